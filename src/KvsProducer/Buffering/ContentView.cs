using System.Buffers;
using System.Runtime.ExceptionServices;

namespace KvsProducer.Buffering;

/// <summary>
/// One stream's buffer: the frames the MKV writer packaged into the <see cref="ContentStore"/>, their
/// records, and the cursors and acknowledgement marks that decide what is sent, resent, freed or dropped
/// (the design of the official producers' content store and content view, in their PIC library).
/// </summary>
/// <remarks>
/// <para>Cursors are record indices that only grow: <c>tail ≤ current ≤ head</c>. tail = oldest record held,
/// current = the frame holding the next byte to send, head = one past the newest record. Bytes are
/// addressed by offsets in the stream's <see cref="SegmentLog"/>; <c>_sendOffset</c> lies inside record
/// current (a frame may be partly sent) or equals the committed end.</para>
/// <para>Invariants kept by this class:</para>
/// <list type="number">
/// <item>tail is a fragment start (or tail = head): records leave the view by whole fragments only.</item>
/// <item>A frame with bytes handed to the sender and not yet confirmed by <see cref="AdvanceSent"/>, or
/// partly sent in the running session, is never dropped or freed: eviction takes a fragment only when it
/// is fully sent, not touched at all, or no session is running.</item>
/// <item>Every frame accepted by <see cref="CommitFrame"/> leaves the view exactly once: marked PERSISTED
/// by an acknowledgement (or RECEIVED by a session that ended before its PERSISTED: persisted, unconfirmed),
/// or reported through <see cref="FramesDropped"/> with a reason.</item>
/// <item>A segment is returned to the store only when every byte in it is below tail, below any byte in
/// flight and below any dropped byte whose event has not been raised yet.</item>
/// </list>
/// <para>Threads: any number of producers (serialized by a producer gate held from BeginFrame to
/// CommitFrame; the payload copy happens outside the state lock), one sender, one acknowledgement reader.
/// State changes take a short lock; events are raised after it is released.</para>
/// </remarks>
internal sealed partial class ContentView : IDisposable
{
    private const FragmentState Done = FragmentState.Persisted | FragmentState.Skipped;

    private readonly ContentStore _store;
    private readonly TimeProvider _clock;
    private readonly SegmentLog _log;
    private readonly Lock _gate = new();
    private readonly Lock _eventLock = new();
    private readonly SemaphoreSlim _producerGate = new(1, 1);
    private readonly AsyncSignal _dataSignal = new();
    private readonly FrameBufferWriter _writer;
    private readonly Queue<DropNotice> _drops = new(16);
    private readonly Queue<BufferPressureEventArgs> _pressureNotices = new(4);

    private FrameRecord[] _records = new FrameRecord[1024];
    private long _tail;
    private long _current;
    private long _head;
    private long _sendOffset;
    private long _committedEnd;
    private long _sentWatermark;
    private long _lastFragment = -1;
    private long _lastFragmentTimecode = long.MinValue;
    private bool _acceptsContinuation;
    private long _resendFrom = -1;

    private byte[] _header = [];
    private int _sessionId;
    private bool _sessionActive;
    private int _headerSent;
    private bool _inFlight;
    private bool _wakeRequested;
    private bool _inFlightHeader;
    private long _inFlightLength;

    private long _pinnedFrom = long.MaxValue;
    private int _pendingNotices;
    private bool _disposed;
    private Exception? _uploadFailure;

    /// <summary>Use <see cref="ContentStore.CreateView"/>, which also registers the view for metrics and for
    /// making room across streams.</summary>
    internal ContentView(ContentStore store, ContentViewOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _clock = store.TimeProvider;
        Options = options;
        _log = new SegmentLog(store);
        _writer = new FrameBufferWriter(this);
    }

    public ContentViewOptions Options { get; }

    public StreamingMode Mode => Options.Mode;

    /// <summary>
    /// Frames were given up; see <see cref="FramesDroppedEventArgs"/>. Raised outside the view's lock, in order,
    /// on the thread whose action caused the drop (a producer, the sender or the acknowledgement reader);
    /// <see cref="FramesDroppedEventArgs.Data"/> is valid only during the handler. A handler must not put
    /// frames into a stream of the same store: the putting thread may hold that stream's producer gate.
    /// </summary>
    public event EventHandler<FramesDroppedEventArgs>? FramesDropped;

    /// <summary>The buffer-duration or latency pressure began or ended.</summary>
    public event EventHandler<BufferPressureEventArgs>? PressureChanged;

    /// <summary>
    /// Keeps a copy of the stream header (EBML, Segment, Info, Tracks) that the MKV writer wrote once; every
    /// session starts with it (every PutMedia request is one MKV segment, so a new session starts with a fresh MKV header).
    /// </summary>
    public void SetHeader(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty)
        {
            throw new ArgumentException("The stream header is empty: pass the EBML header, Segment, Info and Tracks the MKV writer produced.", nameof(header));
        }

        lock (_gate)
        {
            _header = header.ToArray();
        }
    }

    /// <summary>Buffered records (tail → head).</summary>
    public long FrameCount
    {
        get
        {
            lock (_gate)
            {
                return _head - _tail;
            }
        }
    }

    /// <summary>
    /// True when the fragment the writer is appending to was dropped or skipped: the next frame must start a
    /// fragment (frames continuing it are refused with <see cref="FrameDropReason.FragmentStartDropped"/>).
    /// The stream layer should make the MKV writer open a Cluster at the next key frame.
    /// </summary>
    public bool NeedsFragmentStart
    {
        get
        {
            lock (_gate)
            {
                return !_acceptsContinuation;
            }
        }
    }

    /// <summary>Segments this stream holds in the store's budget.</summary>
    public int HeldSegments
    {
        get
        {
            lock (_gate)
            {
                return _log.HeldSegments;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            while (_tail < _head)
            {
                long end = NextFragmentOrHead(_tail);
                if (IsReceivedOnly(_tail))
                {
                    Settle(_tail, confirmed: false);
                }
                else if ((Rec(_tail).Fragment & Done) == 0)
                {
                    EnqueueDrop(_tail, end, FrameDropReason.StreamClosed, 0);
                }

                _tail = end;
            }

            _acceptsContinuation = false;
            _sessionActive = false;
            _inFlight = false;
        }

        Flush();
        lock (_gate)
        {
            _log.ReleaseAll();
        }

        _store.RemoveView(this);
        _store.SignalSpaceFreed();
    }

    private ref FrameRecord Rec(long index) => ref _records[index & (_records.Length - 1)];

    private long NextFragmentOrHead(long fragmentStart)
    {
        long next = Rec(fragmentStart).NextFragment;
        return next >= 0 ? next : _head;
    }

    private long OffsetOf(long index) => index < _head ? Rec(index).Offset : _committedEnd;

    private long TailOffset => OffsetOf(_tail);

    /// <summary>Segments may be returned below this offset (invariant 4).</summary>
    private long FreeLimit
    {
        get
        {
            long limit = Math.Min(TailOffset, _pinnedFrom);
            return _inFlight && !_inFlightHeader ? Math.Min(limit, _sendOffset) : limit;
        }
    }

    private void ReleaseSegments() => _log.ReleaseBelow(FreeLimit);

    private void EnqueueDrop(long from, long to, FrameDropReason reason, int errorId)
    {
        ref var first = ref Rec(from);
        ref var last = ref Rec(to - 1);
        var notice = new DropNotice(
            reason,
            (int)(to - from),
            first.PresentationTicks,
            last.PresentationTicks,
            to <= _sentWatermark,
            errorId,
            first.Offset,
            last.End);
        _pinnedFrom = Math.Min(_pinnedFrom, notice.StartOffset);
        Count(notice, wholeFragment: Rec(from).StartsFragment);
        _drops.Enqueue(notice);
        _pendingNotices++;
    }

    private void EnqueueRefusal(in FrameInfo frame, FrameDropReason reason)
    {
        var notice = new DropNotice(reason, 1, frame.PresentationTime.Ticks, frame.PresentationTime.Ticks, false, 0, -1, -1);
        Count(notice, wholeFragment: false);
        _drops.Enqueue(notice);
        _pendingNotices++;
    }

    private void EnqueuePressure(BufferPressureKind kind, bool under, double level, double threshold)
    {
        _pressureNotices.Enqueue(new BufferPressureEventArgs(kind, under, level, threshold));
        _pendingNotices++;
    }

    /// <summary>Raises the events decided under the lock, then frees what they pinned. Serialized by
    /// <c>_eventLock</c> so events keep their order; never called with <c>_gate</c> held.</summary>
    private void Flush()
    {
        if (Volatile.Read(ref _pendingNotices) == 0)
        {
            return;
        }

        ExceptionDispatchInfo? handlerError = null;
        lock (_eventLock)
        {
            while (true)
            {
                FramesDroppedEventArgs? dropped = null;
                BufferPressureEventArgs? pressure = null;
                lock (_gate)
                {
                    if (_drops.TryDequeue(out var notice))
                    {
                        var data = notice.StartOffset < 0 ? ReadOnlySequence<byte>.Empty : _log.Read(notice.StartOffset, notice.EndOffset);
                        dropped = new FramesDroppedEventArgs(
                            notice.Reason,
                            notice.FrameCount,
                            TimeSpan.FromTicks(notice.FirstPresentationTicks),
                            TimeSpan.FromTicks(notice.LastPresentationTicks),
                            notice.WasSent,
                            notice.ErrorId,
                            data);
                    }
                    else if (!_pressureNotices.TryDequeue(out pressure))
                    {
                        _pendingNotices = 0;
                        _pinnedFrom = long.MaxValue;
                        ReleaseSegments();
                        break;
                    }

                    _pendingNotices--;
                }

                try
                {
                    if (dropped is not null)
                    {
                        FramesDropped?.Invoke(this, dropped);
                    }
                    else
                    {
                        PressureChanged?.Invoke(this, pressure!);
                    }
                }
#pragma warning disable CA1031 // An application handler's exception must not leave dropped bytes pinned; it is rethrown below.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    handlerError ??= ExceptionDispatchInfo.Capture(e);
                }
            }
        }

        _store.SignalSpaceFreed();
        handlerError?.Throw();
    }
}
