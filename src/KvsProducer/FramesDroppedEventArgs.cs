using System.Buffers;

namespace KvsProducer;

/// <summary>
/// Frames the producer had accepted and has now given up, with why, which, and their packaged bytes, so an
/// application can log them or spill them to disk. Raised on the thread whose action caused the drop;
/// keep handlers short.
/// </summary>
public sealed class FramesDroppedEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    public FramesDroppedEventArgs(
        FrameDropReason reason,
        int frameCount,
        TimeSpan firstPresentationTime,
        TimeSpan lastPresentationTime,
        bool wasSent,
        int errorId,
        ReadOnlySequence<byte> data)
    {
        Reason = reason;
        FrameCount = frameCount;
        FirstPresentationTime = firstPresentationTime;
        LastPresentationTime = lastPresentationTime;
        WasSent = wasSent;
        ErrorId = errorId;
        Data = data;
    }

    /// <summary>Why the frames were dropped.</summary>
    public FrameDropReason Reason { get; }

    /// <summary>How many frames were dropped.</summary>
    public int FrameCount { get; }

    /// <summary>Presentation time of the first dropped frame.</summary>
    public TimeSpan FirstPresentationTime { get; }

    /// <summary>Presentation time of the last dropped frame.</summary>
    public TimeSpan LastPresentationTime { get; }

    /// <summary>True when every dropped frame had been sent at least once (the service may hold them without having acknowledged them).</summary>
    public bool WasSent { get; }

    /// <summary>The ERROR acknowledgement's ErrorId for <see cref="FrameDropReason.ErrorAcknowledgement"/>; 0 otherwise.</summary>
    public int ErrorId { get; }

    /// <summary>
    /// The dropped frames as packaged MKV bytes (Tags, Cluster header and SimpleBlocks, in stream order).
    /// Valid only while the handler runs: the memory returns to the pool afterwards, so copy what you keep.
    /// Empty when a frame was refused before it was stored (the application still holds its <see cref="Frame"/>).
    /// </summary>
    public ReadOnlySequence<byte> Data { get; }
}
