namespace KvsProducer;

/// <summary>
/// A track of a Kinesis Video stream: what the MKV Tracks element says about it.
/// Validated when a packager or stream is created.
/// </summary>
public sealed record TrackDefinition
{
    /// <summary>Video, audio or data.</summary>
    public TrackKind Kind { get; init; } = TrackKind.Video;

    /// <summary>The codec of the frames of a video track.</summary>
    public VideoCodec Codec { get; init; } = VideoCodec.H264;

    /// <summary>The codec of the frames of an audio track.</summary>
    public AudioCodec AudioCodec { get; init; } = AudioCodec.Aac;

    /// <summary>The MKV CodecID of a data track (e.g. <c>S_KVS/DATA</c>); ignored for video and audio.</summary>
    public string DataCodecId { get; init; } = "S_KVS/DATA";

    /// <summary>Audio sampling rate in Hz (MKV SamplingFrequency), 8000 to 96000.</summary>
    public int SamplingRate { get; init; }

    /// <summary>Audio channels (MKV Channels), 1 or 2.</summary>
    public int Channels { get; init; }

    /// <summary>Audio bits per sample (MKV BitDepth): 8 for G.711, 0 (not written) for AAC.</summary>
    public int BitDepth { get; init; }

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
    public string CodecId => Kind switch
    {
        TrackKind.Audio => AudioCodec switch
        {
            AudioCodec.Aac => "A_AAC",
            AudioCodec.Pcm => "A_PCM/INT/LIT",
            _ => "A_MS/ACM",
        },
        TrackKind.Data => DataCodecId,
        _ => Codec switch
        {
            VideoCodec.H264 => "V_MPEG4/ISO/AVC",
            VideoCodec.H265 => "V_MPEGH/ISO/HEVC",
            _ => throw new ArgumentOutOfRangeException(nameof(Codec), Codec, "Unknown video codec."),
        },
    };

    /// <summary>The PutMedia content type of the track (the official SDKs' names: video/h264, audio/aac, audio/alaw, audio/mulaw).</summary>
    public string ContentType => Kind switch
    {
        TrackKind.Audio => AudioCodec switch
        {
            AudioCodec.ALaw => "audio/alaw",
            AudioCodec.MuLaw => "audio/mulaw",
            AudioCodec.Pcm => "audio/x-matroska", // mkvgen/Include.h MKV_X_MKV_AUDIO_CONTENT_TYPE: the PIC's type for other audio
            _ => "audio/aac",
        },
        TrackKind.Data => "application/octet-stream",
        _ => Codec == VideoCodec.H265 ? "video/h265" : "video/h264",
    };

    /// <summary>An H.264 video track with the official SDKs' defaults (track 1, <c>kvs_video_track</c>).</summary>
    public static TrackDefinition H264Video() => new() { Codec = VideoCodec.H264 };

    /// <summary>An H.265 video track with the official SDKs' defaults (track 1, <c>kvs_video_track</c>).</summary>
    public static TrackDefinition H265Video() => new() { Codec = VideoCodec.H265 };

    /// <summary>
    /// An AAC audio track (track 2, <c>kvs_audio_track</c> as in the official SDKs' A/V samples).
    /// <paramref name="audioSpecificConfig"/> is the MPEG-4 AudioSpecificConfig (2 bytes for AAC-LC);
    /// empty = built from the rate and channels for AAC-LC.
    /// </summary>
    public static TrackDefinition AacAudio(int samplingRate, int channels, ReadOnlyMemory<byte> audioSpecificConfig = default, int trackNumber = 2) => new()
    {
        Kind = TrackKind.Audio,
        AudioCodec = AudioCodec.Aac,
        TrackNumber = trackNumber,
        TrackUid = (ulong)trackNumber,
        Name = "kvs_audio_track",
        SamplingRate = samplingRate,
        Channels = channels,
        CodecPrivateData = audioSpecificConfig.IsEmpty ? Mkv.AudioCodecPrivate.AacLc(samplingRate, channels) : audioSpecificConfig,
    };

    /// <summary>A G.711 audio track (A-law or µ-law), 8 bits per sample, CodecPrivate = WAVEFORMATEX as the official SDKs write it.</summary>
    public static TrackDefinition G711Audio(AudioCodec codec, int samplingRate, int channels, int trackNumber = 2) => new()
    {
        Kind = TrackKind.Audio,
        AudioCodec = codec,
        TrackNumber = trackNumber,
        TrackUid = (ulong)trackNumber,
        Name = "kvs_audio_track",
        SamplingRate = samplingRate,
        Channels = channels,
        BitDepth = 8,
        CodecPrivateData = Mkv.AudioCodecPrivate.G711(codec, samplingRate, channels),
    };

    /// <summary>
    /// A raw PCM audio track (<c>A_PCM/INT/LIT</c>: signed little-endian samples, interleaved channels), 8, 16, 24
    /// or 32 bits per sample; no CodecPrivate, the Audio element carries rate, channels and bit depth.
    /// </summary>
    public static TrackDefinition PcmAudio(int samplingRate, int channels, int bitDepth = 16, int trackNumber = 2) => new()
    {
        Kind = TrackKind.Audio,
        AudioCodec = AudioCodec.Pcm,
        TrackNumber = trackNumber,
        TrackUid = (ulong)trackNumber,
        Name = "kvs_audio_track",
        SamplingRate = samplingRate,
        Channels = channels,
        BitDepth = bitDepth,
    };

    /// <summary>A data track: frames (e.g. sensor readings) copied as they are, each a key frame.</summary>
    public static TrackDefinition DataTrack(string codecId, int trackNumber, string name = "kvs_data_track") => new()
    {
        Kind = TrackKind.Data,
        DataCodecId = codecId,
        TrackNumber = trackNumber,
        TrackUid = (ulong)trackNumber,
        Name = name,
    };

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

        if (Kind == TrackKind.Audio)
        {
            ValidateAudio();
        }

        if (Kind == TrackKind.Data && (string.IsNullOrEmpty(DataCodecId) || DataCodecId.Length > 32))
        {
            throw new ArgumentException($"DataCodecId '{DataCodecId}' must be 1 to 32 characters (e.g. S_KVS/DATA).", nameof(DataCodecId));
        }

        if (Width is < 0 or > 65535 || Height is < 0 or > 65535)
        {
            throw new ArgumentException($"Picture size {Width}x{Height} is out of range: use 0 (from the SPS) or 1 to 65535.", nameof(Width));
        }
    }

    private void ValidateAudio()
    {
        if (SamplingRate is < 8000 or > 96000)
        {
            throw new ArgumentException($"SamplingRate {SamplingRate} Hz is out of range: use 8000 to 96000.", nameof(SamplingRate));
        }

        if (Channels is < 1 or > 2)
        {
            throw new ArgumentException($"Channels {Channels} is out of range: use 1 or 2 (the official SDKs' limit).", nameof(Channels));
        }

        if (AudioCodec == AudioCodec.Pcm)
        {
            if (BitDepth is not (8 or 16 or 24 or 32))
            {
                throw new ArgumentException($"BitDepth {BitDepth} is not a PCM sample size: use 8, 16, 24 or 32.", nameof(BitDepth));
            }

            return; // A_PCM/INT/LIT has no CodecPrivate: the Audio element says it all
        }

        if (CodecPrivateData.IsEmpty)
        {
            throw new ArgumentException("An audio track needs CodecPrivateData (AudioSpecificConfig or WAVEFORMATEX): use TrackDefinition.AacAudio or G711Audio.", nameof(CodecPrivateData));
        }
    }
}
