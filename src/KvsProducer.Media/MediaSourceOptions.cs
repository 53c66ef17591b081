using Microsoft.Extensions.Logging;

namespace KvsProducer.Media;

/// <summary>How a <see cref="MediaSource"/> opens, encodes, paces and reconnects. Validated when the source opens.</summary>
public sealed record MediaSourceOptions
{
    /// <summary>The defaults: auto encoder, CRF 23, ultrafast, a key frame every 2 s, no pacing, RTSP reconnect on.</summary>
    public static MediaSourceOptions Default { get; } = new();

    /// <summary>The encoder for sources that are not H.264/H.265 (test pattern, MJPEG, raw YUYV).</summary>
    public H264Encoder Encoder { get; init; } = H264Encoder.Auto;

    /// <summary>Target bit rate in bits per second; 0 encodes at constant quality (<see cref="Crf"/>).</summary>
    public int Bitrate { get; init; }

    /// <summary>libx264 constant rate factor (0–51, lower is better) when <see cref="Bitrate"/> is 0.</summary>
    public int Crf { get; init; } = 23;

    /// <summary>libx264 preset (<c>ultrafast</c> … <c>veryslow</c>).</summary>
    public string Preset { get; init; } = "ultrafast";

    /// <summary>
    /// Time between encoded key frames: set it to the stream's fragment duration so every fragment
    /// starts on a key frame. Rounded to whole frames at the source's rate.
    /// </summary>
    public TimeSpan KeyFrameInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>B-frames between reference frames (0: none, the live-streaming default).</summary>
    public int BFrames { get; init; }

    /// <summary>Encoder threads; 0 lets FFmpeg choose. Fix it (1) when outputs must match across machines.</summary>
    public int EncoderThreads { get; init; }

    /// <summary>Picture size of test patterns and cameras, overriding the URI's <c>size=</c>; 0 keeps it.</summary>
    public int Width { get; init; }

    /// <summary>See <see cref="Width"/>.</summary>
    public int Height { get; init; }

    /// <summary>Frame rate of test patterns and cameras, overriding the URI's <c>rate=</c>; 0 keeps it.</summary>
    public int FrameRate { get; init; }

    /// <summary>
    /// The source's audio: <see cref="SourceAudio.None"/> (video only, the default), or an audio track
    /// alongside the video (track 2; track 1 for audio-only sources) passed through or encoded.
    /// URIs with a <c>codec=</c> parameter (<c>alsa:</c>, <c>sine:</c>, <c>testsrc:?audio=</c>) override it.
    /// </summary>
    public SourceAudio Audio { get; init; } = SourceAudio.None;

    /// <summary>Read only the audio of a source that has video too (an audio-only stream from a camera or a clip).</summary>
    public bool AudioOnly { get; init; }

    /// <summary>Sample rate of encoded audio in Hz (8000–96000); 0 keeps the source's (G.711: 8000). Setting it re-encodes audio that would pass through.</summary>
    public int AudioSampleRate { get; init; }

    /// <summary>Channels of encoded audio (1 or 2); 0 keeps the source's, at most 2 (G.711: 1). Setting it re-encodes audio that would pass through.</summary>
    public int AudioChannels { get; init; }

    /// <summary>AAC bit rate in bits per second; 0 = 64 kbit/s per channel.</summary>
    public int AudioBitrate { get; init; }

    /// <summary>
    /// Deliver frames no faster than their timestamps (real time), for sources that are not live
    /// by nature: files and test patterns. Cameras are paced by the camera.
    /// </summary>
    public bool PaceToRealTime { get; init; }

    /// <summary>How long opening may take (RTSP DESCRIBE/SETUP, device open).</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a live source may stay silent before it counts as failed (and reconnects).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reconnect an RTSP camera that drops, continuing the timestamps.</summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>The first reconnect is immediate; then the delay doubles from this, with jitter.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest delay between reconnect attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts before giving up with the last error; 0 retries for ever.</summary>
    public int MaxReconnectAttempts { get; init; }

    /// <summary>Logger factory for the source and FFmpeg's own messages (FFmpeg's log is process-wide).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The clock for pacing and reconnect delays.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option and its allowed range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Encoder))
        {
            throw new ArgumentException($"Encoder {(int)Encoder} is unknown: use Auto, Libx264 or V4l2m2m.", nameof(Encoder));
        }

        if (Bitrate < 0)
        {
            throw new ArgumentException($"Bitrate {Bitrate} is negative: use bits per second, or 0 for constant quality.", nameof(Bitrate));
        }

        if (Crf is < 0 or > 51)
        {
            throw new ArgumentException($"Crf {Crf} is out of range: use 0 to 51 (23 is the default).", nameof(Crf));
        }

        if (string.IsNullOrWhiteSpace(Preset) || !Preset.All(char.IsAsciiLetterLower))
        {
            throw new ArgumentException($"Preset '{Preset}' is not an x264 preset: use ultrafast, superfast, veryfast, faster, fast, medium, slow, slower or veryslow.", nameof(Preset));
        }

        if (KeyFrameInterval <= TimeSpan.Zero || KeyFrameInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"KeyFrameInterval {KeyFrameInterval} is out of range: use more than 0 and at most 1 minute (the fragment duration).", nameof(KeyFrameInterval));
        }

        if (BFrames is < 0 or > 16)
        {
            throw new ArgumentException($"BFrames {BFrames} is out of range: use 0 to 16.", nameof(BFrames));
        }

        if (EncoderThreads is < 0 or > 64)
        {
            throw new ArgumentException($"EncoderThreads {EncoderThreads} is out of range: use 0 (FFmpeg's choice) to 64.", nameof(EncoderThreads));
        }

        if (Width is < 0 or > 16384 || Height is < 0 or > 16384 || (Width == 0) != (Height == 0))
        {
            throw new ArgumentException($"Size {Width}x{Height} is invalid: give both width and height (1 to 16384), or neither.", nameof(Width));
        }

        if (FrameRate is < 0 or > 1000)
        {
            throw new ArgumentException($"FrameRate {FrameRate} is out of range: use 1 to 1000, or 0 for the source's own.", nameof(FrameRate));
        }

        if (!Enum.IsDefined(Audio))
        {
            throw new ArgumentException($"Audio {(int)Audio} is unknown: use None, Auto, Aac, ALaw or MuLaw.", nameof(Audio));
        }

        if (AudioSampleRate != 0 && AudioSampleRate is < 8000 or > 96000)
        {
            throw new ArgumentException($"AudioSampleRate {AudioSampleRate} Hz is out of range: use 8000 to 96000, or 0 for the source's own.", nameof(AudioSampleRate));
        }

        if (AudioChannels is < 0 or > 2)
        {
            throw new ArgumentException($"AudioChannels {AudioChannels} is out of range: use 1 or 2 (Kinesis Video Streams' limit), or 0 for the source's own.", nameof(AudioChannels));
        }

        if (AudioBitrate is < 0 or > 512_000)
        {
            throw new ArgumentException($"AudioBitrate {AudioBitrate} is out of range: use bits per second up to 512000 (e.g. 128000), or 0 for 64 kbit/s per channel.", nameof(AudioBitrate));
        }

        if (OpenTimeout <= TimeSpan.Zero || ReadTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"OpenTimeout {OpenTimeout} and ReadTimeout {ReadTimeout} must be positive.", nameof(OpenTimeout));
        }

        if (ReconnectDelay < TimeSpan.Zero || MaxReconnectDelay < ReconnectDelay)
        {
            throw new ArgumentException($"ReconnectDelay {ReconnectDelay} must be at least 0 and at most MaxReconnectDelay {MaxReconnectDelay}.", nameof(ReconnectDelay));
        }

        if (MaxReconnectAttempts < 0)
        {
            throw new ArgumentException($"MaxReconnectAttempts {MaxReconnectAttempts} is negative: use 0 to retry for ever.", nameof(MaxReconnectAttempts));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
