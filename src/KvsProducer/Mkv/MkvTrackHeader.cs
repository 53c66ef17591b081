namespace KvsProducer.Mkv;

/// <summary>What the Tracks element says about one track, resolved (codec private data and size known).</summary>
internal sealed record MkvTrackHeader(
    int TrackNumber,
    ulong TrackUid,
    string Name,
    string CodecId,
    ReadOnlyMemory<byte> CodecPrivateData,
    int Width,
    int Height);
