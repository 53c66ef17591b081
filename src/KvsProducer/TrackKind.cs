namespace KvsProducer;

/// <summary>What a track carries: the MKV TrackType (1 video, 2 audio, 0x21 metadata).</summary>
public enum TrackKind
{
    /// <summary>Video (MKV TrackType 1): H.264 or H.265 access units.</summary>
    Video,

    /// <summary>Audio (MKV TrackType 2): AAC access units or G.711 samples.</summary>
    Audio,

    /// <summary>Time-serialized data (thermal, depth, RADAR): frames copied as they are, MKV TrackType 0x21 (metadata), CodecID chosen by the user.</summary>
    Data,
}
