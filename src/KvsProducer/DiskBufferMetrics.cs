namespace KvsProducer;

/// <summary>A snapshot of one stream's disk buffer (the same values the Meter publishes as <c>kvs.spool.*</c>).</summary>
public sealed record DiskBufferMetrics
{
    /// <summary>Bytes in the stream's segment files.</summary>
    public long Bytes { get; init; }

    /// <summary>Frames on disk not yet PERSISTED by the service.</summary>
    public long Records { get; init; }

    /// <summary>Segment files on disk.</summary>
    public int Segments { get; init; }

    /// <summary>Frames appended since the stream started.</summary>
    public long AppendedFrames { get; init; }

    /// <summary>Frames read back from disk and uploaded again (after a restart, or spilled frames after a stop).</summary>
    public long ReplayedFrames { get; init; }

    /// <summary>
    /// Frames the memory buffer dropped that the disk kept, to be uploaded from disk (not counted in
    /// <see cref="StreamBufferMetrics.DroppedFrames"/>: they are not lost). Always
    /// <c>SpilledPersistedFrames + SpilledLostFrames + SpilledWaitingFrames</c>.
    /// </summary>
    public long SpilledFrames { get; init; }

    /// <summary>Of <see cref="SpilledFrames"/>, those uploaded from disk and PERSISTED by the service.</summary>
    public long SpilledPersistedFrames { get; init; }

    /// <summary>
    /// Of <see cref="SpilledFrames"/>, those lost after all: their segment was deleted over MaxBytes, or the service
    /// refused them for good. Counted in <see cref="StreamBufferMetrics.DroppedFrames"/> and reported with
    /// <see cref="FrameDropReason.DiskBufferFull"/> (segment deleted).
    /// </summary>
    public long SpilledLostFrames { get; init; }

    /// <summary>Of <see cref="SpilledFrames"/>, those still on disk waiting for their upload.</summary>
    public long SpilledWaitingFrames { get; init; }

    /// <summary>Records (spilled or still in memory) not yet PERSISTED that were deleted from disk to keep within MaxBytes, or could not be written (too large, disk error).</summary>
    public long DroppedFrames { get; init; }

    /// <summary>Bytes cut from segment tails found torn or corrupt (bad CRC) when the buffer was opened.</summary>
    public long TruncatedBytes { get; init; }
}
