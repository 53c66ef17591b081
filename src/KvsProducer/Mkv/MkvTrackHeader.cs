namespace KvsProducer.Mkv;

/// <summary>What the Tracks element says about one track, resolved (codec private data and size known).</summary>
internal sealed record MkvTrackHeader(
    int TrackNumber,
    ulong TrackUid,
    string Name,
    string CodecId,
    ReadOnlyMemory<byte> CodecPrivateData,
    int Width,
    int Height)
{
    /// <summary>MKV TrackType: 1 video, 2 audio, 0x21 metadata.</summary>
    public int TrackType { get; init; } = 1;

    /// <summary>Audio sampling rate in Hz; 0 for other tracks.</summary>
    public int SamplingRate { get; init; }

    /// <summary>Audio channels; 0 for other tracks.</summary>
    public int Channels { get; init; }

    /// <summary>Audio bits per sample; 0 = not written.</summary>
    public int BitDepth { get; init; }
}
