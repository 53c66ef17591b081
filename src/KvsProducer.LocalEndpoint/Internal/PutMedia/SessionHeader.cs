using KvsProducer.LocalEndpoint.Internal.Json;

namespace KvsProducer.LocalEndpoint.Internal.PutMedia;

/// <summary>
/// The producer's header elements (Info, Tracks…) of one segment in a PutMedia body; GetMedia
/// replays them before each fragment. Written to disk once, before the
/// first fragment that refers to it is committed.
/// </summary>
internal sealed class SessionHeader
{
    public SessionHeader(byte[] bytes, List<TrackRecord> tracks, ulong timecodeScale)
    {
        Bytes = bytes;
        Tracks = tracks;
        TimecodeScale = timecodeScale;
    }

    public byte[] Bytes { get; }

    public List<TrackRecord> Tracks { get; }

    public ulong TimecodeScale { get; }

    /// <summary>File name in the stream folder, chosen when the first fragment is stored.</summary>
    public string? File { get; set; }

    /// <summary>Set by the persister once the file is on disk.</summary>
    public bool Persisted { get; set; }
}
