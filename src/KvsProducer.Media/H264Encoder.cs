namespace KvsProducer.Media;

/// <summary>Which H.264 encoder encodes sources that are not H.264/H.265 already (those are never re-encoded).</summary>
public enum H264Encoder
{
    /// <summary>The hardware encoder when it opens (Raspberry Pi's <c>h264_v4l2m2m</c>), else libx264.</summary>
    Auto,

    /// <summary>libx264 in software.</summary>
    Libx264,

    /// <summary>The V4L2 memory-to-memory hardware encoder (Raspberry Pi).</summary>
    V4l2m2m,
}
