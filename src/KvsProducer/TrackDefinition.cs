namespace KvsProducer;

/// <summary>
/// A track of a Kinesis Video stream: what the MKV Tracks element says about it.
/// Validated when a packager or stream is created.
/// </summary>
public sealed record TrackDefinition
{
    /// <summary>The codec of the frames.</summary>
    public VideoCodec Codec { get; init; } = VideoCodec.H264;

    /// <summary>1-based track number; frames name it in <see cref="Frame.TrackNumber"/>.</summary>
    public int TrackNumber { get; init; } = 1;

    /// <summary>MKV TrackUID: non-zero, unique in the stream (the official SDKs use the track id, 1).</summary>
    public ulong TrackUid { get; init; } = 1;

    /// <summary>Track name (MKV Name), at most 32 bytes of UTF-8 as in the official SDKs.</summary>
    public string Name { get; init; } = "kvs_video_track";

    /// <summary>
    /// The codec private data: AVCDecoderConfigurationRecord / HEVCDecoderConfigurationRecord, or the
    /// parameter sets as Annex-B NAL units (converted). Empty: built from the first key frame's
    /// parameter sets.
    /// </summary>
    public ReadOnlyMemory<byte> CodecPrivateData { get; init; }

    /// <summary>How NAL units are delimited in the frames.</summary>
    public NalUnitFormat NalUnitFormat { get; init; } = NalUnitFormat.AnnexB;

    /// <summary>Picture width in pixels; 0 = taken from the SPS.</summary>
    public int Width { get; init; }

    /// <summary>Picture height in pixels; 0 = taken from the SPS.</summary>
    public int Height { get; init; }

    /// <summary>The MKV CodecID of <see cref="Codec"/>.</summary>
    public string CodecId => Codec switch
    {
        VideoCodec.H264 => "V_MPEG4/ISO/AVC",
        VideoCodec.H265 => "V_MPEGH/ISO/HEVC",
        _ => throw new ArgumentOutOfRangeException(nameof(Codec), Codec, "Unknown video codec."),
    };

    /// <summary>The PutMedia content type of <see cref="Codec"/>.</summary>
    public string ContentType => Codec == VideoCodec.H265 ? "video/h265" : "video/h264";

    /// <summary>An H.264 video track with the official SDKs' defaults (track 1, <c>kvs_video_track</c>).</summary>
    public static TrackDefinition H264Video() => new() { Codec = VideoCodec.H264 };

    /// <summary>An H.265 video track with the official SDKs' defaults (track 1, <c>kvs_video_track</c>).</summary>
    public static TrackDefinition H265Video() => new() { Codec = VideoCodec.H265 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property and what to do.</summary>
    public void Validate()
    {
        if (TrackNumber is < 1 or > 126)
        {
            throw new ArgumentException($"TrackNumber {TrackNumber} is out of range: use 1 to 126.", nameof(TrackNumber));
        }

        if (TrackUid == 0)
        {
            throw new ArgumentException("TrackUid must not be 0: use any other number unique in the stream (1 is the SDK default).", nameof(TrackUid));
        }

        if (System.Text.Encoding.UTF8.GetByteCount(Name) is var nameBytes && nameBytes > 32)
        {
            throw new ArgumentException($"Track name '{Name}' is {nameBytes} bytes of UTF-8: use at most 32.", nameof(Name));
        }

        if (CodecPrivateData.Length > 1024 * 1024)
        {
            throw new ArgumentException($"CodecPrivateData is {CodecPrivateData.Length} bytes: Kinesis Video Streams accepts at most 1 MiB.", nameof(CodecPrivateData));
        }

        if (Width is < 0 or > 65535 || Height is < 0 or > 65535)
        {
            throw new ArgumentException($"Picture size {Width}x{Height} is out of range: use 0 (from the SPS) or 1 to 65535.", nameof(Width));
        }
    }
}
