using System.Buffers;

namespace KvsProducer.Buffering;

/// <summary>The producer side: reserve space (evicting or waiting by mode), let the MKV writer package the
/// frame straight into the store, record it.</summary>
internal sealed partial class ContentView
{
    // Retries after an eviction whose freed segments another stream took first.
    private const int MaxReserveAttempts = 16;

    private FrameInfo _pending;
    private bool _writing;
    private long _writeOffset;
    private long _reservedEnd;
    private byte[] _scratch = new byte[256];
    private bool _scratchActive;
    private bool _sawFragmentStart;

    private enum Reservation
    {
        Reserved,
        Refused,
        MustWait,
        Retry,
        NeedsOtherStreams,
    }

    /// <summary>
    /// The writer of the frame begun by <see cref="TryBeginFrame"/> / <see cref="BeginFrameAsync"/>: the MKV
    /// writer packages the frame into it, then calls <see cref="CommitFrame"/> (or <see cref="AbortFrame"/>).
    /// </summary>
    public IBufferWriter<byte> Writer => _writer;

    /// <summary>
    /// Realtime / NearRealtime: makes room for a frame of at most <paramref name="maxPackagedBytes"/> bytes,
    /// dropping the oldest whole fragments if the store or the buffer duration requires it. False when the
    /// frame itself had to be refused (reported through <see cref="FramesDropped"/>); the writer must then
    /// not package it. True: write into <see cref="Writer"/>, then <see cref="CommitFrame"/>.
    /// </summary>
    public bool TryBeginFrame(in FrameInfo frame, int maxPackagedBytes)
    {
        if (Mode == StreamingMode.Offline)
        {
            throw new InvalidOperationException("An Offline stream waits for space instead of dropping frames: call BeginFrameAsync.");
        }

        _producerGate.Wait();
        return Begin(frame, maxPackagedBytes) == Reservation.Reserved;
    }

    /// <summary>
    /// Any mode. Realtime / NearRealtime behave as <see cref="TryBeginFrame"/>. Offline waits until PERSISTED
    /// acknowledgements free enough space (ContentViewOptions.OfflineWaitTimeout, then
    /// <see cref="TimeoutException"/>); <paramref name="cancellationToken"/> ends the wait.
    /// Completes synchronously, without allocating, when there is room.
    /// </summary>
    public ValueTask<bool> BeginFrameAsync(FrameInfo frame, int maxPackagedBytes, CancellationToken cancellationToken = default)
    {
        if (!_producerGate.Wait(0, CancellationToken.None)) // a zero timeout never blocks: nothing to cancel
        {
            return BeginAfterGateAsync(frame, maxPackagedBytes, cancellationToken);
        }

        var result = Begin(frame, maxPackagedBytes);
        return result == Reservation.MustWait
            ? WaitForSpaceAsync(frame, maxPackagedBytes, cancellationToken)
            : new ValueTask<bool>(result == Reservation.Reserved);
    }

    /// <summary>Records the frame the writer just packaged and makes it visible to the sender.</summary>
    public void CommitFrame()
    {
        lock (_gate)
        {
            if (!_writing)
            {
                throw new InvalidOperationException("CommitFrame was called without a frame begun: call TryBeginFrame or BeginFrameAsync first.");
            }

            if (_scratchActive)
            {
                throw new InvalidOperationException("The writer asked for a span and did not Advance it before CommitFrame.");
            }

            long length = _writeOffset - _committedEnd;
            if (length == 0)
            {
                throw new InvalidOperationException("CommitFrame was called but the writer wrote no bytes: a frame always has at least a SimpleBlock.");
            }

            if (_head - _tail == _records.Length)
            {
                GrowRecords();
            }

            ref var record = ref Rec(_head);
            record.Offset = _committedEnd;
            record.Length = checked((int)length);
            record.Flags = _pending.Flags;
            record.PresentationTicks = _pending.PresentationTime.Ticks;
            record.DecodingTicks = _pending.DecodingTime.Ticks;
            record.DurationTicks = _pending.Duration.Ticks;
            record.NextFragment = -1;
            if (_pending.StartsFragment)
            {
                record.Fragment = FragmentState.Start;
                record.FragmentStart = _head;
                record.FragmentTimecode = _pending.FragmentTimecode;
                if (_lastFragment >= _tail && _lastFragment < _head)
                {
                    Rec(_lastFragment).NextFragment = _head;
                }

                _lastFragment = _head;
                _lastFragmentTimecode = _pending.FragmentTimecode;
                _acceptsContinuation = true;
            }
            else
            {
                record.Fragment = FragmentState.None;
                record.FragmentStart = _lastFragment;
                record.FragmentTimecode = _lastFragmentTimecode;
            }

            _head++;
            _committedEnd = _writeOffset;
            _writing = false;
            _log.ReleaseFrom(_committedEnd);
            _putFrames++;
            _putBytes += length;
            _frameRate.Add(1, _clock.GetTimestamp(), _clock);
            UpdatePressures();
        }

        _dataSignal.Set();
        _producerGate.Release();
        Flush();
    }

    /// <summary>Forgets the bytes written since the frame began (the writer failed); the frame was not accepted.</summary>
    public void AbortFrame()
    {
        lock (_gate)
        {
            if (!_writing)
            {
                throw new InvalidOperationException("AbortFrame was called without a frame begun.");
            }

            _writing = false;
            _scratchActive = false;
            _writeOffset = _committedEnd;
            _log.ReleaseFrom(_committedEnd);
        }

        _producerGate.Release();
    }

    private async ValueTask<bool> BeginAfterGateAsync(FrameInfo frame, int maxPackagedBytes, CancellationToken cancellationToken)
    {
        await _producerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var result = Begin(frame, maxPackagedBytes);
        return result == Reservation.MustWait
            ? await WaitForSpaceAsync(frame, maxPackagedBytes, cancellationToken).ConfigureAwait(false)
            : result == Reservation.Reserved;
    }

    /// <summary>
    /// The upload gave up for good (a fatal error): Offline producers waiting for space stop waiting and fail
    /// with <paramref name="failure"/>, since no acknowledgement will free it (with no deadline they would wait forever).
    /// </summary>
    public void FailWaitingProducers(Exception failure)
    {
        Volatile.Write(ref _uploadFailure, failure);
        _store.SignalSpaceFreed();
    }

    /// <summary>Offline: holds the producer gate and waits for space (as the official producers block on a
    /// condition variable until a PERSISTED ACK frees space or the timeout elapses).</summary>
    private async ValueTask<bool> WaitForSpaceAsync(FrameInfo frame, int maxPackagedBytes, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = Options.OfflineWaitTimeout == Timeout.InfiniteTimeSpan
                ? new CancellationTokenSource()
                : new CancellationTokenSource(Options.OfflineWaitTimeout, _clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            while (true)
            {
                // Take the signal before looking, so space freed in between is not missed.
                var freed = _store.WaitForFreedSpace();
                if (Volatile.Read(ref _uploadFailure) is { } failure)
                {
                    throw new KvsProducerException($"Stream '{Options.StreamName}' (Offline): the upload gave up, so buffer space will not be freed: {failure.Message}", failure);
                }

                var result = TryReserve(frame, maxPackagedBytes);
                if (result == Reservation.Refused)
                {
                    _producerGate.Release();
                    return false;
                }

                if (result == Reservation.Reserved)
                {
                    return true;
                }

                try
                {
                    await freed.WaitAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException(
                        $"Stream '{Options.StreamName}' (Offline) waited {Options.OfflineWaitTimeout.TotalSeconds:0.###} s for buffer space and none was freed: " +
                        "PERSISTED acknowledgements are not arriving. Check the connection and the stream's retention, or raise the storage size, the buffer duration or the offline wait timeout.");
                }
            }
        }
        catch
        {
            _producerGate.Release();
            throw;
        }
    }

    /// <summary>With the producer gate held: reserve, and release the gate unless the frame may now be written
    /// or the caller will wait.</summary>
    private Reservation Begin(in FrameInfo frame, int maxPackagedBytes)
    {
        Reservation result;
        try
        {
            result = TryReserve(frame, maxPackagedBytes);
        }
        catch
        {
            _producerGate.Release();
            throw;
        }

        if (result == Reservation.Refused)
        {
            _producerGate.Release();
        }

        return result;
    }

    private Reservation TryReserve(in FrameInfo frame, int maxPackagedBytes)
    {
        Validate(frame, maxPackagedBytes);
        for (int attempt = 1; ; attempt++)
        {
            Reservation result = TryReserveOnce(frame, maxPackagedBytes, lastAttempt: attempt == MaxReserveAttempts);
            Flush();
            if (result == Reservation.NeedsOtherStreams)
            {
                // One budget for all streams: a stream that cannot make room in its own buffer takes it from the
                // live stream holding the most, so one stalled stream cannot starve the others.
                if (_store.TryEvictForOtherStream(this, SegmentsShort(maxPackagedBytes)))
                {
                    continue;
                }

                lock (_gate)
                {
                    EnqueueRefusal(frame, FrameDropReason.StorageFull);
                }

                Flush();
                return Reservation.Refused;
            }

            if (result != Reservation.Retry)
            {
                return result;
            }
        }
    }

    /// <summary>Segments the store lacks for a frame of <paramref name="maxPackagedBytes"/> bytes.</summary>
    private int SegmentsShort(int maxPackagedBytes)
    {
        lock (_gate)
        {
            return Math.Max(1, _log.SegmentsNeeded(_committedEnd + maxPackagedBytes) - _store.AvailableSegments);
        }
    }

    /// <summary>
    /// Another stream of the store needs <paramref name="segments"/> segments: drops this stream's oldest whole
    /// fragments (Realtime / NearRealtime only, invariant 2 respected) until that many would be freed, raises
    /// the drop events and returns the segments. False when nothing could be dropped.
    /// </summary>
    internal bool EvictForOtherStream(int segments)
    {
        if (Mode == StreamingMode.Offline)
        {
            return false;
        }

        bool evicted = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            while (ReleasableSegments() < segments && TryEvictTailFragment(FrameDropReason.StorageFull))
            {
                evicted = true;
            }
        }

        Flush();
        return evicted;
    }

    private Reservation TryReserveOnce(in FrameInfo frame, int maxPackagedBytes, bool lastAttempt)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            bool evicted = false;

            // Bound 1, the buffer duration (as in the official producers): the view never spans more than BufferDuration.
            while (_tail < _head && ExceedsBufferDuration(frame))
            {
                if (Mode == StreamingMode.Offline)
                {
                    return Reservation.MustWait;
                }

                if (!TryEvictTailFragment(FrameDropReason.BufferDurationExceeded))
                {
                    break; // The oldest fragment is being sent (invariant 2); the bound is met again once it is.
                }

                evicted = true;
            }

            if (!frame.StartsFragment && !_acceptsContinuation)
            {
                // The fragment this frame continues lost its Cluster header: it cannot be sent as valid MKV.
                EnqueueRefusal(frame, FrameDropReason.FragmentStartDropped);
                return Reservation.Refused;
            }

            // Bound 2, the shared byte budget.
            long end = _committedEnd + maxPackagedBytes;
            int needed = _log.SegmentsNeeded(end);
            if (needed <= _store.AvailableSegments && _log.TryEnsureCapacity(end))
            {
                _pending = frame;
                _writing = true;
                _writeOffset = _committedEnd;
                _reservedEnd = end;
                return Reservation.Reserved;
            }

            if (Mode == StreamingMode.Offline)
            {
                return Reservation.MustWait;
            }

            // Realtime / NearRealtime: drop the oldest whole fragments until the freed segments would cover the frame.
            while (needed > _store.AvailableSegments + ReleasableSegments())
            {
                if (!TryEvictTailFragment(FrameDropReason.StorageFull))
                {
                    break;
                }

                evicted = true;
            }

            if (evicted && !lastAttempt)
            {
                return Reservation.Retry; // Flush raises the drop events and returns the segments, then we try again.
            }

            if (!frame.StartsFragment && !_acceptsContinuation)
            {
                EnqueueRefusal(frame, FrameDropReason.FragmentStartDropped);
                return Reservation.Refused;
            }

            if (!lastAttempt)
            {
                return Reservation.NeedsOtherStreams;
            }

            // Nothing more may be dropped (the oldest fragment is partly sent) or other streams hold the budget.
            EnqueueRefusal(frame, FrameDropReason.StorageFull);
            return Reservation.Refused;
        }
    }

    private void Validate(in FrameInfo frame, int maxPackagedBytes)
    {
        if (maxPackagedBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPackagedBytes), maxPackagedBytes, "The reservation must be positive: pass an upper bound of the frame's packaged size (payload + Tags + Cluster and SimpleBlock headers).");
        }

        if (maxPackagedBytes > _store.StorageSize - _store.SegmentSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPackagedBytes), maxPackagedBytes, $"A frame of up to {maxPackagedBytes} bytes cannot fit a content store of {_store.StorageSize} bytes: raise the storage size well above the largest frame.");
        }

        lock (_gate)
        {
            if (_writing)
            {
                throw new InvalidOperationException("A frame is already begun: CommitFrame or AbortFrame it first.");
            }

            _sawFragmentStart |= frame.StartsFragment;
            if (!_sawFragmentStart)
            {
                throw new InvalidOperationException("The first frame of a stream must start a fragment (a Cluster): the MKV writer opens one on the first key frame.");
            }

            if (frame.StartsFragment && _lastFragment >= 0 && frame.FragmentTimecode <= _lastFragmentTimecode)
            {
                throw new ArgumentException($"Fragment timecode {frame.FragmentTimecode} is not after the previous fragment's {_lastFragmentTimecode}: the service refuses it (ErrorId 4004, FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS) and acknowledgements could not be matched.", nameof(frame));
            }
        }
    }

    private bool ExceedsBufferDuration(in FrameInfo frame)
        => frame.DecodingTime.Ticks + frame.Duration.Ticks - Rec(_tail).DecodingTicks > Options.BufferDuration.Ticks;

    private int ReleasableSegments()
    {
        long limit = _inFlight && !_inFlightHeader ? Math.Min(TailOffset, _sendOffset) : TailOffset;
        return (int)Math.Max(0, (limit >> _store.SegmentShift) - (_log.HeldStart >> _store.SegmentShift));
    }

    private void GrowRecords()
    {
        // Rare: doubles the ring when the view holds more frames than ever before.
        var bigger = new FrameRecord[_records.Length * 2];
        for (long i = _tail; i < _head; i++)
        {
            bigger[i & (bigger.Length - 1)] = Rec(i);
        }

        _records = bigger;
    }

    private Memory<byte> GetWriterMemory(int sizeHint)
    {
        if (!_writing)
        {
            throw new InvalidOperationException("Write into the view's Writer only between TryBeginFrame/BeginFrameAsync and CommitFrame.");
        }

        sizeHint = Math.Max(sizeHint, 1);
        if (_writeOffset == _log.CapacityEnd)
        {
            // Past the reservation's last segment: only a writer that outgrew its reservation gets here.
            EnsureWritable(_writeOffset + 1);
        }

        // A size hint larger than what is left of the reservation is fine (IBufferWriter hints are upper
        // bounds); only what is Advanced has to fit.
        var memory = _log.GetWritableMemory(_writeOffset);
        if (memory.Length >= sizeHint)
        {
            _scratchActive = false;
            return memory;
        }

        // An element header that would straddle two segments: hand out a small scratch buffer and copy it
        // across the boundary on Advance (payload is taken in segment-sized pieces and never comes here).
        if (_scratch.Length < sizeHint)
        {
            _scratch = new byte[sizeHint];
        }

        _scratchActive = true;
        return _scratch;
    }

    private void AdvanceWriter(int count)
    {
        if (!_writing)
        {
            throw new InvalidOperationException("Advance was called outside a frame.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        EnsureWritable(_writeOffset + count);
        if (_scratchActive)
        {
            if (count > _scratch.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(count), count, "Advance went past the span GetSpan returned.");
            }

            _log.Write(_writeOffset, _scratch.AsSpan(0, count));
            _scratchActive = false;
        }
        else if (count > 0 && (_writeOffset & (_store.SegmentSize - 1)) + count > _store.SegmentSize)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Advance went past the span GetSpan returned.");
        }

        _writeOffset += count;
    }

    private void EnsureWritable(long end)
    {
        if (end <= _reservedEnd)
        {
            return;
        }

        lock (_gate)
        {
            if (!_log.TryEnsureCapacity(end))
            {
                throw new InvalidOperationException($"The MKV writer wrote past the {_reservedEnd - _committedEnd} bytes reserved for the frame and the content store has no room left: reserve an upper bound of the packaged size.");
            }

            _reservedEnd = end;
        }
    }

    private sealed class FrameBufferWriter(ContentView view) : IBufferWriter<byte>
    {
        public void Advance(int count) => view.AdvanceWriter(count);

        public Memory<byte> GetMemory(int sizeHint = 0) => view.GetWriterMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => view.GetWriterMemory(sizeHint).Span;
    }
}
