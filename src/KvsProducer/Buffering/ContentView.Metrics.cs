namespace KvsProducer.Buffering;

/// <summary>Counters, rates and pressure signals (named as the official SDKs' stream metrics).</summary>
internal sealed partial class ContentView
{
    // As in the official producers: buffer-duration pressure at 95 % of the buffer duration; relieved at 90 %.
    private const double BufferPressureEnter = 0.95;
    private const double BufferPressureLeave = 0.90;

    // Latency pressure when current → head exceeds MaxLatency; relieved at 80 % of it.
    private const double LatencyPressureLeave = 0.80;

    private long _putFrames;
    private long _putBytes;
    private long _persistedFrames;
    private long _persistedBytes;
    private long _persistedFragments;
    private long _persistedUnconfirmedFrames;
    private long _transferredBytes;
    private long _sessions;
    private long _bufferedAcks;
    private long _answerAdvances;
    private long _latestAnsweredTimecode = long.MinValue;
    private long _receivedAcks;
    private long _persistedAcks;
    private long _errorAcks;
    private long _droppedFrames;
    private long _droppedFragments;
    private long _skippedFrames;
    private RateMeter _frameRate;
    private RateMeter _transferRate;
    private PressureSignal _bufferPressure;
    private PressureSignal _latencyPressure;

    /// <summary>
    /// The disk buffer the stream spills to (docs/disk-buffer.md): frames it keeps are not lost, so they count as
    /// spilled, not dropped, and as persisted once uploaded from disk.
    /// </summary>
    public Spool.FrameSpool? SpillsTo { get; set; }

    /// <summary>A consistent snapshot of the stream's buffer metrics.</summary>
    public StreamBufferMetrics GetMetrics()
    {
        var spill = SpillsTo?.GetSpillFigures() ?? default; // read first: the spool's lock is never taken inside the view's
        lock (_gate)
        {
            return new StreamBufferMetrics
            {
                CurrentViewDuration = TimeSpan.FromTicks(SpanTicks(_current)),
                OverallViewDuration = TimeSpan.FromTicks(SpanTicks(_tail)),
                CurrentViewSize = _committedEnd - _sendOffset,
                OverallViewSize = _committedEnd - TailOffset,
                CurrentFrameRate = _frameRate.Rate,
                CurrentTransferRate = _transferRate.Rate,
                TransferredBytes = _transferredBytes,
                TotalSessions = _sessions,
                BufferedAcks = _bufferedAcks,
                ReceivedAcks = _receivedAcks,
                PersistedAcks = _persistedAcks,
                ErrorAcks = _errorAcks,
                DroppedFrames = _droppedFrames - spill.Spilled + spill.Lost,
                SpilledFrames = spill.Spilled,
                DroppedFragments = _droppedFragments - spill.Fragments,
                SkippedFrames = _skippedFrames,
                BufferPressures = _bufferPressure.Count,
                LatencyPressures = _latencyPressure.Count,
                PutFrames = _putFrames,
                PersistedFrames = _persistedFrames + spill.Persisted,
                PutBytes = _putBytes,
                PersistedBytes = _persistedBytes,
                PersistedFragments = _persistedFragments,
                PersistedUnconfirmedFrames = _persistedUnconfirmedFrames,
                ResentUnconfirmedFrames = _resentUnconfirmedFrames,
            };
        }
    }

    /// <summary>The store's clock (every wait about this view runs on it).</summary>
    public TimeProvider Clock => _clock;

    /// <summary>
    /// Grows whenever the upload gets closer to drained: frames settled as persisted (confirmed or not) or given
    /// up (dropped or skipped), or the service answering (BUFFERING, RECEIVED) a fragment later than any it
    /// answered before, which is how a slow link shows progress while a large fragment crosses it. Answers for
    /// fragments already answered do not count: an endpoint that takes a fragment and answers ERROR for it on
    /// every session (a full disk) would otherwise keep a drain alive forever (the fault suite measured
    /// 82,000 sessions in 5 min and a drain that never ended).
    /// </summary>
    public long ProgressMark
    {
        get
        {
            lock (_gate)
            {
                return _persistedFrames + _droppedFrames + _skippedFrames + _answerAdvances; // persisted includes the unconfirmed
            }
        }
    }

    /// <summary>Counts an answer for a fragment later than every fragment answered before (see <see cref="ProgressMark"/>).</summary>
    private void NoteAnswered(long fragmentTimecode)
    {
        if (fragmentTimecode > _latestAnsweredTimecode)
        {
            _latestAnsweredTimecode = fragmentTimecode;
            _answerAdvances++;
        }
    }

    /// <summary>Duration from record <paramref name="from"/> to the end of the newest frame.</summary>
    private long SpanTicks(long from)
    {
        if (from >= _head)
        {
            return 0;
        }

        ref var last = ref Rec(_head - 1);
        return last.DecodingTicks + last.DurationTicks - Rec(from).DecodingTicks;
    }

    private void Count(in DropNotice notice, bool wholeFragment)
    {
        if (notice.Reason == FrameDropReason.ErrorAcknowledgement)
        {
            _skippedFrames += notice.FrameCount;
            return;
        }

        _droppedFrames += notice.FrameCount;
        if (wholeFragment)
        {
            _droppedFragments++;
        }
    }

    /// <summary>Re-evaluates the pressure signals; state changes are queued and raised by Flush. Offline streams
    /// have none (the official producers check them only for live streams).</summary>
    private void UpdatePressures()
    {
        if (Mode == StreamingMode.Offline)
        {
            return;
        }

        double buffered = TimeSpan.FromTicks(SpanTicks(_tail)).TotalSeconds;
        double bufferLimit = Options.BufferDuration.TotalSeconds;
        if (_bufferPressure.Update(buffered, BufferPressureEnter * bufferLimit, BufferPressureLeave * bufferLimit))
        {
            EnqueuePressure(BufferPressureKind.BufferDuration, _bufferPressure.IsUnderPressure, buffered,
                (_bufferPressure.IsUnderPressure ? BufferPressureEnter : BufferPressureLeave) * bufferLimit);
        }

        if (Options.MaxLatency > TimeSpan.Zero)
        {
            double waiting = TimeSpan.FromTicks(SpanTicks(_current)).TotalSeconds;
            double latencyLimit = Options.MaxLatency.TotalSeconds;
            if (_latencyPressure.Update(waiting, latencyLimit, LatencyPressureLeave * latencyLimit))
            {
                EnqueuePressure(BufferPressureKind.Latency, _latencyPressure.IsUnderPressure, waiting,
                    (_latencyPressure.IsUnderPressure ? 1 : LatencyPressureLeave) * latencyLimit);
            }
        }
    }
}
