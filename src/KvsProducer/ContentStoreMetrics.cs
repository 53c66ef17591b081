namespace KvsProducer;

/// <summary>
/// A snapshot of the producer-wide content store. Property names are the official SDKs' client metric
/// names (<c>ClientMetrics</c>).
/// </summary>
public sealed record ContentStoreMetrics
{
    /// <summary>The byte budget shared by all streams.</summary>
    public long ContentStoreSize { get; init; }

    /// <summary>Bytes of the budget not held by any stream.</summary>
    public long ContentStoreAvailableSize { get; init; }

    /// <summary>Bytes held by streams (whole pooled segments).</summary>
    public long ContentStoreAllocatedSize { get; init; }

    /// <summary>Bytes of memory the pool has allocated so far, in use or free for reuse; never above the budget.</summary>
    public long ContentStorePooledSize { get; init; }

    /// <summary>Bytes of buffered frames over all streams (tail → head).</summary>
    public long TotalContentViewsSize { get; init; }

    /// <summary>Frames put per second over all streams.</summary>
    public double TotalFrameRate { get; init; }

    /// <summary>Bytes sent per second over all streams.</summary>
    public double TotalTransferRate { get; init; }

    /// <summary>Times the storage pressure began.</summary>
    public long StoragePressures { get; init; }
}
