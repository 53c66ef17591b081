namespace KvsProducer;

/// <summary>
/// One encoded video frame (an access unit) handed to the producer. The bytes are borrowed: the
/// producer copies them once, into the stream's buffer, before the call that takes the frame returns.
/// </summary>
/// <remarks>
/// Timestamps are <see cref="TimeSpan"/>s (100 ns ticks, the finest unit Kinesis Video Streams
/// accepts). With B-frames the presentation time differs from the decoding time; frames are given
/// in decoding order.
/// </remarks>
public readonly struct Frame
{
    /// <summary>Creates a frame whose presentation and decoding times are equal (no B-frames).</summary>
    public Frame(ReadOnlyMemory<byte> data, TimeSpan timestamp, TimeSpan duration, FrameFlags flags, int trackNumber = 1)
        : this(data, timestamp, timestamp, duration, flags, trackNumber)
    {
    }

    /// <summary>Creates a frame with distinct presentation and decoding times.</summary>
    public Frame(ReadOnlyMemory<byte> data, TimeSpan presentationTime, TimeSpan decodingTime, TimeSpan duration, FrameFlags flags, int trackNumber = 1)
    {
        Data = data;
        PresentationTime = presentationTime;
        DecodingTime = decodingTime;
        Duration = duration;
        Flags = flags;
        TrackNumber = trackNumber;
    }

    /// <summary>The encoded bytes, in the track's <see cref="NalUnitFormat"/>.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>When the frame is shown.</summary>
    public TimeSpan PresentationTime { get; }

    /// <summary>When the frame is decoded; frames arrive in increasing decoding time.</summary>
    public TimeSpan DecodingTime { get; }

    /// <summary>How long the frame is shown; <see cref="TimeSpan.Zero"/> when unknown.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Key frame, discardable, invisible, end of fragment.</summary>
    public FrameFlags Flags { get; }

    /// <summary>The 1-based MKV track number the frame belongs to.</summary>
    public int TrackNumber { get; }

    /// <summary>True when a fragment may start at this frame.</summary>
    public bool IsKeyFrame => (Flags & FrameFlags.KeyFrame) != 0;
}
