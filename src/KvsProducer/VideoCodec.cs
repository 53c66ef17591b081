namespace KvsProducer;

/// <summary>Video codecs Kinesis Video Streams plays back (HLS, DASH, GetClip, console).</summary>
public enum VideoCodec
{
    /// <summary>H.264 / AVC, MKV CodecID <c>V_MPEG4/ISO/AVC</c>.</summary>
    H264,

    /// <summary>H.265 / HEVC, MKV CodecID <c>V_MPEGH/ISO/HEVC</c>.</summary>
    H265,
}
