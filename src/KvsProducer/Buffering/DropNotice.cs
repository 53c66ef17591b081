namespace KvsProducer.Buffering;

/// <summary>A drop decided under the view's lock, raised as <see cref="FramesDroppedEventArgs"/> after it is released.</summary>
internal readonly record struct DropNotice(
    FrameDropReason Reason,
    int FrameCount,
    long FirstPresentationTicks,
    long LastPresentationTicks,
    bool WasSent,
    int ErrorId,
    long StartOffset,
    long EndOffset);
