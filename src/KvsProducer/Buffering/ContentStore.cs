using System.Diagnostics.Metrics;

namespace KvsProducer.Buffering;

/// <summary>
/// The producer-wide byte budget, held as pooled fixed-size segments (as in the official producers: one content store per
/// client shared by all streams). Streams rent segments as they buffer and return them when PERSISTED
/// acknowledgements (or drops) free them, so memory in use follows what is buffered, not the budget.
/// </summary>
/// <remarks>
/// Invariants kept here: <c>segments held by streams × SegmentSize ≤ StorageSize</c> at every instant
/// (the count is reserved before a segment is handed out), and a segment is in at most one place: the
/// free pool or one stream's log. Thread-safe; the pool lock is taken once per segment, never per frame.
/// </remarks>
internal sealed class ContentStore : IDisposable
{
    // As in the official producers: storage pressure below 5 % free; relieved at 10 % so it does not flap.
    private const double StoragePressureEnter = 0.95;
    private const double StoragePressureLeave = 0.90;

    private readonly Lock _poolLock = new();
    private readonly StoreSegment[] _free;
    private int _freeCount;
    private int _pooledCount;
    private int _heldCount;

    private readonly Lock _viewsLock = new();
    private ContentView[] _views = [];

    private readonly Lock _signalLock = new();
    private TaskCompletionSource? _spaceFreed;

    private readonly Lock _pressureLock = new();
    private bool _storagePressure;
    private long _storagePressures;

    private readonly BufferMeters? _meters;

    public ContentStore(ContentStoreOptions options, TimeProvider timeProvider, Meter? meter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        Options = options;
        TimeProvider = timeProvider;
        SegmentSize = options.SegmentSize;
        SegmentShift = System.Numerics.BitOperations.Log2((uint)options.SegmentSize);
        MaxSegments = (int)(options.StorageSize / options.SegmentSize);
        _free = new StoreSegment[MaxSegments];
        if (meter is not null)
        {
            _meters = new BufferMeters(this, meter);
        }
    }

    public ContentStoreOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public int SegmentSize { get; }

    public int SegmentShift { get; }

    /// <summary>How many segments the budget allows (StorageSize rounded down to whole segments).</summary>
    public int MaxSegments { get; }

    public long StorageSize => (long)MaxSegments * SegmentSize;

    public int HeldSegments => Volatile.Read(ref _heldCount);

    public int AvailableSegments => MaxSegments - HeldSegments;

    public long AvailableBytes => (long)AvailableSegments * SegmentSize;

    public long HeldBytes => (long)HeldSegments * SegmentSize;

    public long PooledBytes => (long)Volatile.Read(ref _pooledCount) * SegmentSize;

    /// <summary>Raised when the storage pressure begins or ends (outside any lock of the store).</summary>
    public event EventHandler<BufferPressureEventArgs>? StoragePressureChanged;

    /// <summary>Creates a stream's view over this store.</summary>
    public ContentView CreateView(ContentViewOptions options)
    {
        var view = new ContentView(this, options);
        lock (_viewsLock)
        {
            _views = [.. _views, view];
        }

        return view;
    }

    /// <summary>The views alive now (a copy-on-write array: safe to enumerate without a lock).</summary>
    public IReadOnlyList<ContentView> Views => Volatile.Read(ref _views);

    internal void RemoveView(ContentView view)
    {
        lock (_viewsLock)
        {
            _views = [.. _views.Where(v => v != view)];
        }
    }

    /// <summary>
    /// Makes room for <paramref name="requester"/> in the other live streams, largest holder first (Offline
    /// streams never give up frames). Runs without any lock of the requester held.
    /// </summary>
    public bool TryEvictForOtherStream(ContentView requester, int segments)
    {
        var views = Views;
        ContentView? largest = null;
        foreach (var view in views)
        {
            if (view != requester && view.Mode != StreamingMode.Offline && (largest is null || view.HeldSegments > largest.HeldSegments))
            {
                largest = view;
            }
        }

        if (largest is not null && largest.EvictForOtherStream(segments))
        {
            return true;
        }

        foreach (var view in views)
        {
            if (view != requester && view != largest && view.EvictForOtherStream(segments))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Hands out a segment if the budget allows one more; null when the store is full.</summary>
    public StoreSegment? TryRent()
    {
        StoreSegment? segment = null;
        lock (_poolLock)
        {
            if (_heldCount >= MaxSegments)
            {
                return null;
            }

            _heldCount++;
            if (_freeCount > 0)
            {
                segment = _free[--_freeCount];
                _free[_freeCount] = null!;
            }
            else
            {
                _pooledCount++;
            }
        }

        // Allocated outside the lock: memory grows only as the buffer grows, and at most to the budget.
        segment ??= new StoreSegment(SegmentSize);
        UpdateStoragePressure();
        return segment;
    }

    /// <summary>Takes a segment back into the pool and wakes producers waiting for space.</summary>
    public void Return(StoreSegment segment)
    {
        segment.Attach(0);
#if DEBUG
        // Debug builds poison returned memory, so a test that reads a segment after it was freed sees garbage.
        Array.Fill(segment.Array, (byte)0xDD);
#endif
        lock (_poolLock)
        {
            _free[_freeCount++] = segment;
            _heldCount--;
        }

        UpdateStoragePressure();
        SignalSpaceFreed();
    }

    /// <summary>A task that completes the next time space is freed anywhere in the store (segments returned or a
    /// stream's buffer trimmed). Allocates only when a producer actually has to wait (Offline mode).</summary>
    public Task WaitForFreedSpace()
    {
        lock (_signalLock)
        {
            _spaceFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _spaceFreed.Task;
        }
    }

    public void SignalSpaceFreed()
    {
        if (Volatile.Read(ref _spaceFreed) is null)
        {
            return;
        }

        TaskCompletionSource? waiting;
        lock (_signalLock)
        {
            waiting = _spaceFreed;
            _spaceFreed = null;
        }

        waiting?.TrySetResult();
    }

    public ContentStoreMetrics GetMetrics()
    {
        long viewsSize = 0;
        double frameRate = 0, transferRate = 0;
        foreach (var view in Views)
        {
            var m = view.GetMetrics();
            viewsSize += m.OverallViewSize;
            frameRate += m.CurrentFrameRate;
            transferRate += m.CurrentTransferRate;
        }

        return new ContentStoreMetrics
        {
            ContentStoreSize = StorageSize,
            ContentStoreAvailableSize = AvailableBytes,
            ContentStoreAllocatedSize = HeldBytes,
            ContentStorePooledSize = PooledBytes,
            TotalContentViewsSize = viewsSize,
            TotalFrameRate = frameRate,
            TotalTransferRate = transferRate,
            StoragePressures = Interlocked.Read(ref _storagePressures),
        };
    }

    public void Dispose()
    {
        foreach (var view in Views)
        {
            view.Dispose();
        }

        _meters?.Dispose();
    }

    private void UpdateStoragePressure()
    {
        double used = (double)HeldSegments / MaxSegments;
        bool under = Volatile.Read(ref _storagePressure);
        if (under ? used > StoragePressureLeave : used <= StoragePressureEnter)
        {
            return;
        }

        bool changed = false;
        lock (_pressureLock)
        {
            used = (double)HeldSegments / MaxSegments;
            if (!_storagePressure && used > StoragePressureEnter)
            {
                _storagePressure = true;
                _storagePressures++;
                changed = true;
            }
            else if (_storagePressure && used <= StoragePressureLeave)
            {
                _storagePressure = false;
                changed = true;
            }

            under = _storagePressure;
        }

        if (changed)
        {
            StoragePressureChanged?.Invoke(this, new BufferPressureEventArgs(
                BufferPressureKind.Storage, under, used, under ? StoragePressureEnter : StoragePressureLeave));
        }
    }
}
