namespace KvsProducer.Buffering;

/// <summary>How much memory a producer may hold for all its streams, and in which pieces.</summary>
internal sealed record ContentStoreOptions
{
    /// <summary>64 KiB: large enough that a 50 KB frame spans at most two segments, small enough that a
    /// stream's partly filled last segment wastes little of a small device's budget.</summary>
    public const int DefaultSegmentSize = 64 * 1024;

    /// <summary>The byte budget shared by all streams (1 MiB .. 10 GiB, as in the official SDKs).</summary>
    public long StorageSize { get; init; } = 128L * 1024 * 1024;

    /// <summary>Size of one pooled segment; a power of two between 256 bytes and 16 MiB.</summary>
    public int SegmentSize { get; init; } = DefaultSegmentSize;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option and the allowed range.</summary>
    public void Validate()
    {
        if (SegmentSize is < 256 or > 16 * 1024 * 1024 || (SegmentSize & (SegmentSize - 1)) != 0)
        {
            throw new ArgumentException($"SegmentSize {SegmentSize} is invalid: use a power of two from 256 bytes to 16 MiB (default 64 KiB).", nameof(SegmentSize));
        }

        if (StorageSize < 2L * SegmentSize)
        {
            throw new ArgumentException($"StorageSize {StorageSize} bytes is too small: use at least two segments ({2L * SegmentSize} bytes); the official SDKs' minimum is 1 MiB.", nameof(StorageSize));
        }

        if (StorageSize / SegmentSize > int.MaxValue)
        {
            throw new ArgumentException($"StorageSize {StorageSize} bytes needs more than {int.MaxValue} segments of {SegmentSize} bytes: use a larger SegmentSize.", nameof(StorageSize));
        }
    }
}
