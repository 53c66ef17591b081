namespace KvsProducer.Media;

/// <summary>The source forms, one per URI scheme.</summary>
public enum SourceKind
{
    /// <summary><c>testsrc:?size=1280x720&amp;rate=30</c>: a generated test pattern, encoded to H.264.</summary>
    TestPattern,

    /// <summary><c>v4l2:///dev/video0?size=..&amp;rate=..&amp;format=h264|mjpeg|yuyv422</c>: a local camera.</summary>
    V4l2,

    /// <summary><c>rtsp://user:pass@host/path?transport=tcp|udp</c>: a network camera.</summary>
    Rtsp,

    /// <summary><c>file:clip.mp4</c> (mp4, mkv, ts, raw .h264, or any video FFmpeg decodes; audio files: .aac, .opus, .wav, .alaw, .mulaw).</summary>
    File,

    /// <summary><c>alsa:hw:1,0?rate=48000&amp;channels=2&amp;codec=aac|alaw|mulaw</c>: a microphone (ALSA capture device), encoded.</summary>
    Alsa,

    /// <summary><c>sine:?rate=48000&amp;channels=2&amp;codec=aac|alaw|mulaw</c>: a generated tone, encoded (the microphone's stand-in).</summary>
    TestTone,
}
