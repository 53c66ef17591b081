namespace KvsProducer;

/// <summary>Why accepted frames were given up. Every frame the producer accepted ends acknowledged PERSISTED or dropped with one of these reasons, exactly once.</summary>
public enum FrameDropReason
{
    /// <summary>The content store ran out of its byte budget; the oldest whole fragment(s) made room (Realtime, NearRealtime).</summary>
    StorageFull,

    /// <summary>The stream's buffer would have spanned more than its buffer duration; the oldest whole fragment(s) made room.</summary>
    BufferDurationExceeded,

    /// <summary>The frames were sent on a connection that ended before they were PERSISTED, and they lie outside the replay duration, so the next connection does not resend them.</summary>
    ReplayWindowExceeded,

    /// <summary>The service answered the fragment with an ERROR acknowledgement that is not retriable: resending cannot help.</summary>
    ErrorAcknowledgement,

    /// <summary>The frame belonged to a fragment whose start was already dropped, so it could not be sent as valid MKV; the stream resumes at the next fragment start.</summary>
    FragmentStartDropped,

    /// <summary>The stream was closed before the frames were PERSISTED.</summary>
    StreamClosed,

    /// <summary>
    /// Frames the memory buffer had spilled to the disk buffer (docs/disk-buffer.md) were deleted from disk before
    /// their upload, to keep within <see cref="DiskBufferOptions.MaxBytes"/>. The event carries no bytes and zero
    /// presentation times (the frames are not read back to name them).
    /// </summary>
    DiskBufferFull,
}
