using System.Buffers;
using System.Buffers.Binary;
using KvsProducer.Buffering;
using KvsProducer.Mkv;
using KvsProducer.Tests.Mkv;

namespace KvsProducer.Tests.Buffering;

/// <summary>
/// One stream of the randomized model test: plays the MKV writer, the sender and the service against a
/// <see cref="ContentView"/>, and keeps the ground truth the invariants are checked against.
/// </summary>
internal sealed class ModelStream
{
    private static readonly int[] ErrorIds = [4000, 4002, 4003, 4004, 4006, 4500, 5000, 5001, 9999];

    // The real fragmenter's SimpleBlock payload is one length-prefixed NAL unit: 4-byte length, NAL header, then our id.
    private const int FragmenterIdOffset = 5;

    private static readonly byte[] ParameterSets = RecordedFrames.AnnexB(RecordedFrames.NalUnits(RecordedFrames.H264Vga[0]).Where(n => (n[0] & 0x1F) is 7 or 8));

    private readonly MkvFragmenter? _fragmenter;
    private readonly int _idOffset;
    private readonly Random _random;
    private readonly ContentView _view;
    private readonly int _maxPayload;
    private readonly List<long> _fragmentFrames = [];
    private readonly Dictionary<long, List<long>> _framesByFragment = [];
    private readonly HashSet<long> _receivedFrames = [];
    private readonly List<long> _fragmentOrder = [];
    private readonly Queue<(char Type, long Timecode)> _pendingAcks = new();
    private readonly List<(char Type, long Timecode)> _lateAcks = [];
    private readonly HashSet<long> _ackedInSession = [];
    private long _nextFrameId;
    private long _currentFragment = -1;
    private TimeSpan _now = TimeSpan.FromSeconds(100);
    private int _session;
    private int _lateSession;
    private bool _sessionActive;
    private SessionParser? _parser;
    private ReadOnlySequence<byte> _pendingRead;
    private bool _readPending;

    public ModelStream(ContentStore store, Random random, long idBase, bool useFragmenter)
    {
        _random = random;
        if (useFragmenter)
        {
            var track = TrackDefinition.H264Video() with { NalUnitFormat = NalUnitFormat.LengthPrefixed, CodecPrivateData = ParameterSets };
            _fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [track], WriteHeader = false });
            _idOffset = FragmenterIdOffset;
        }

        _nextFrameId = idBase;
        var buffer = TimeSpan.FromMilliseconds(random.Next(500, 8000));
        var options = new ContentViewOptions
        {
            StreamName = "model-" + idBase,
            Mode = (StreamingMode)random.Next(3),
            BufferDuration = buffer,
            ReplayDuration = TimeSpan.FromTicks((long)(buffer.Ticks * random.NextDouble())),
            MaxLatency = random.Next(2) == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(random.Next(100, 3000)),
            KeepsData = random.Next(4) != 0,
            OfflineWaitTimeout = Timeout.InfiniteTimeSpan,
        };
        _view = store.CreateView(options);
        if (_fragmenter is null)
        {
            _view.SetHeader(TestMkv.Header());
        }

        _view.FramesDropped += OnDropped;
        _maxPayload = store.SegmentSize;
        Frames = [];
    }

    public ContentView View => _view;

    /// <summary>Every frame committed to the view: how often it ended PERSISTED and how often it was reported dropped.</summary>
    public Dictionary<long, (int Persisted, int Dropped)> Frames { get; }

    /// <summary>
    /// True for a frame whose fragment got a RECEIVED applied: if no PERSISTED came for it and it was not reported
    /// dropped (after an ERROR asked to resend it), the view settled it as persisted, unconfirmed.
    /// </summary>
    public bool WasReceived(long frameId) => _receivedFrames.Contains(frameId);

    /// <summary>How often each path was taken over all sequences, so the test can check the model reaches them all.</summary>
    public static Dictionary<string, long> Coverage { get; } = [];

    public int RefusedPuts { get; private set; }

    public int RefusalEvents { get; private set; }

    public int Sessions { get; private set; }

    public void Step()
    {
        int action = _random.Next(100);
        if (action < 35)
        {
            Put();
        }
        else if (action < 72)
        {
            Send();
        }
        else if (action < 95)
        {
            DeliverAck();
        }
        else
        {
            Disconnect();
        }
    }

    public void Close()
    {
        Disconnect();
        _view.Dispose();
    }

    private void Put()
    {
        bool keyFrame = _currentFragment < 0 || _random.Next(5) == 0;
        int payloadLength = _random.Next(TestMkv.MinPayload, _maxPayload);
        long id = _nextFrameId;
        var time = _now;
        _now += TimeSpan.FromMilliseconds(33);

        // Plan the packaging: our explicit bytes, or the real fragmenter's Plan (which changes nothing yet).
        bool startsFragment = keyFrame;
        long timecode = (long)time.TotalMilliseconds;
        int packaged = TestMkv.PackagedSize(keyFrame, payloadLength);
        var frame = default(Frame);
        var plan = default(FramePlan);
        if (_fragmenter is not null)
        {
            var data = TestMkv.Payload(id, payloadLength + FragmenterIdOffset, FragmenterIdOffset);
            BinaryPrimitives.WriteInt32BigEndian(data, data.Length - 4);
            data[4] = keyFrame ? (byte)0x65 : (byte)0x41;
            frame = new Frame(data, time, TimeSpan.FromMilliseconds(33), keyFrame ? FrameFlags.KeyFrame : FrameFlags.None);
            plan = _fragmenter.Plan(frame);
            startsFragment = plan.Outcome == FramePackagingOutcome.StartedFragment;
            timecode = startsFragment ? plan.ClusterTimecode : timecode;
            packaged = (int)plan.PackagedLength;
        }

        var info = new FrameInfo(time, time, TimeSpan.FromMilliseconds(33), keyFrame ? FrameFlags.KeyFrame : FrameFlags.None, startsFragment, timecode);
        int reserve = packaged + _random.Next(0, 16);
        bool accepted;
        if (_view.Mode == StreamingMode.Offline)
        {
            using var cancel = new CancellationTokenSource();
            var pending = _view.BeginFrameAsync(info, reserve, cancel.Token);
            if (pending.IsCompleted)
            {
                accepted = pending.Result;
            }
            else
            {
                // The store is full: give up this put (it was never accepted) so the sequence can go on.
                cancel.Cancel();
                try
                {
                    pending.AsTask().GetAwaiter().GetResult();
                    throw new InvalidOperationException("A cancelled Offline put completed.");
                }
                catch (OperationCanceledException)
                {
                    Cover("offline put waited");
                }

                return;
            }
        }
        else
        {
            accepted = _view.TryBeginFrame(info, reserve);
        }

        if (!accepted)
        {
            RefusedPuts++;
            return;
        }

        _nextFrameId++;
        if (startsFragment)
        {
            _currentFragment = timecode;
            _framesByFragment[timecode] = [];
            _fragmentOrder.Add(timecode);
        }

        if (_fragmenter is not null)
        {
            _fragmenter.Commit(frame, plan, _view.Writer);
            Cover("frame packaged by MkvFragmenter");
            if (plan.NewHeader is not null)
            {
                _view.SetHeader(_fragmenter.Header.Span);
            }
        }
        else
        {
            short relative = (short)(timecode - _currentFragment);
            TestMkv.WriteFrame(_view.Writer, startsFragment, _currentFragment, relative, startsFragment, TestMkv.Payload(id, payloadLength));
        }

        _view.CommitFrame();
        _framesByFragment[_currentFragment].Add(id);
        Frames[id] = (0, 0);
    }

    private void Send()
    {
        if (!_sessionActive)
        {
            if (_currentFragment < 0)
            {
                return; // no header yet: the writer writes it with the first key frame
            }

            _session = _view.StartSession();
            _sessionActive = true;
            _pendingAcks.Clear();
            _ackedInSession.Clear();
            _parser = new SessionParser(_idOffset);
            Sessions++;
            return;
        }

        if (_readPending)
        {
            // The sender writes what it read (other operations may have run meanwhile) and confirms it.
            long confirmed = _random.Next(4) == 0 ? _random.NextInt64(0, _pendingRead.Length + 1) : _pendingRead.Length;
            var sent = _pendingRead.Slice(0, confirmed);
            foreach (var piece in sent)
            {
                _parser!.Feed(piece.Span);
            }

            _view.AdvanceSent(_session, confirmed);
            _readPending = false;
            Serve();
            return;
        }

        if (_view.TryRead(_session, _random.Next(1, 3000), out _pendingRead))
        {
            _readPending = true;
        }
    }

    /// <summary>The service: checks each cluster, and acknowledges the fragments it got whole.</summary>
    private void Serve()
    {
        foreach (var cluster in _parser!.Clusters)
        {
            if (cluster.Timecode == -1)
            {
                continue; // its Timecode has not arrived yet
            }

            if (!_framesByFragment.TryGetValue(cluster.Timecode, out var fragment))
            {
                throw new InvalidDataException($"The session sent a cluster with timecode {cluster.Timecode} that no fragment has.");
            }

            if (cluster.FrameIds.Count > fragment.Count || !cluster.FrameIds.SequenceEqual(fragment.Take(cluster.FrameIds.Count)))
            {
                throw new InvalidDataException($"Cluster {cluster.Timecode} holds frames [{string.Join(",", cluster.FrameIds)}] but the fragment is [{string.Join(",", fragment)}]: a session must start at a fragment start and send its frames in order.");
            }

            bool closed = _fragmentOrder[^1] != cluster.Timecode;
            if (closed && cluster.FrameIds.Count == fragment.Count && _ackedInSession.Add(cluster.Timecode))
            {
                if (_random.Next(20) == 0)
                {
                    _pendingAcks.Enqueue(('E', cluster.Timecode));
                    continue;
                }

                _pendingAcks.Enqueue(('B', cluster.Timecode));
                _pendingAcks.Enqueue(('R', cluster.Timecode));
                if (_view.Options.KeepsData)
                {
                    _pendingAcks.Enqueue(('P', cluster.Timecode));
                }
            }
        }
    }

    private void DeliverAck()
    {
        if (_lateAcks.Count > 0 && _random.Next(3) == 0)
        {
            var late = _lateAcks[^1];
            _lateAcks.RemoveAt(_lateAcks.Count - 1);
            var outcome = Apply(_lateSession, late.Type, late.Timecode);
            Cover(outcome == AckOutcome.StaleSession ? "late ack ignored" : "late ack applied");
            if (_lateSession != _session && outcome != AckOutcome.StaleSession)
            {
                throw new InvalidOperationException($"An acknowledgement of replaced session {_lateSession} was applied ({outcome}).");
            }

            return;
        }

        if (_pendingAcks.TryDequeue(out var ack))
        {
            Cover($"ack {ack.Type} {Apply(_session, ack.Type, ack.Timecode)}");
            if (ack.Type == 'E')
            {
                Disconnect(); // kvs-protocol.md §4.3: the service ends the connection after an ERROR
            }
        }
    }

    private AckOutcome Apply(int session, char type, long timecode)
    {
        AckOutcome outcome;
        switch (type)
        {
            case 'B':
                return _view.OnBuffering(session, timecode);
            case 'R':
                outcome = _view.OnReceived(session, timecode);
                if (outcome == AckOutcome.Applied && !_view.Options.KeepsData)
                {
                    MarkPersisted(timecode);
                }
                else if (outcome == AckOutcome.Applied)
                {
                    _receivedFrames.UnionWith(_framesByFragment[timecode]);
                }

                return outcome;
            case 'P':
                outcome = _view.OnPersisted(session, timecode);
                if (outcome == AckOutcome.Applied)
                {
                    MarkPersisted(timecode);
                }

                return outcome;
            default:
                long? errorTimecode = _random.Next(8) == 0 ? null : timecode;
                return _view.OnError(session, errorTimecode, ErrorIds[_random.Next(ErrorIds.Length)]);
        }
    }

    private void MarkPersisted(long fragmentTimecode)
    {
        Cover("fragment persisted");
        foreach (long id in _framesByFragment[fragmentTimecode])
        {
            var state = Frames[id];
            Frames[id] = (state.Persisted + 1, state.Dropped);
        }
    }

    private void Disconnect()
    {
        if (!_sessionActive)
        {
            return;
        }

        _view.EndSession(_session);
        _sessionActive = false;
        if (_parser!.HeaderComplete)
        {
            CheckWithEbmlReader(_parser.CompleteBytes);
            Cover("session checked by EbmlDocumentReader");
        }
        _readPending = false;
        _lateSession = _session;
        _lateAcks.Clear();
        _lateAcks.AddRange(_pendingAcks);
        _pendingAcks.Clear();
    }

    /// <summary>The whole session (up to its last complete element) through the project's EBML document reader.</summary>
    private static void CheckWithEbmlReader(ReadOnlySpan<byte> session)
    {
        var top = EbmlDocumentReader.Parse(session);
        if (top.Count != 2 || top[0].Id != MkvElementIds.Ebml || top[1].Id != MkvElementIds.Segment)
        {
            throw new InvalidDataException("A session must be one EBML header and one Segment.");
        }

        var children = top[1].Children;
        if (children.Count < 2 || children[0].Id != MkvElementIds.Info || children[1].Id != MkvElementIds.Tracks)
        {
            throw new InvalidDataException("A session's Segment must begin with Info and Tracks.");
        }

        foreach (var child in children.Skip(2))
        {
            if (child.Id is not (MkvElementIds.Cluster or MkvElementIds.Tags))
            {
                throw new InvalidDataException($"Element 0x{child.Id:X} after the header: only Clusters and Tags may follow.");
            }

            if (child.Id == MkvElementIds.Cluster && child.Children.Count > 0 && child.Children[0].Id != MkvElementIds.Timecode)
            {
                throw new InvalidDataException("A Cluster must begin with its Timecode.");
            }
        }
    }

    private void OnDropped(object? sender, FramesDroppedEventArgs e)
    {
        if (e.Data.IsEmpty)
        {
            if (e.FrameCount != 1 || e.WasSent)
            {
                throw new InvalidOperationException("A refused frame is reported alone and unsent.");
            }

            RefusalEvents++;
            Cover("refused " + e.Reason);
            return;
        }

        var ids = EbmlWalker.WalkClusters(e.Data.ToArray(), allowLeadingBlocks: true, idOffset: _idOffset).SelectMany(c => c.FrameIds).ToList();
        if (ids.Count != e.FrameCount)
        {
            throw new InvalidOperationException($"A drop event says {e.FrameCount} frames but its bytes hold {ids.Count}.");
        }

        foreach (long id in ids)
        {
            var state = Frames[id];
            Frames[id] = (state.Persisted, state.Dropped + 1);
        }

        Cover("dropped " + e.Reason + (e.WasSent ? " sent" : string.Empty));
    }

    private static void Cover(string path)
    {
        lock (Coverage)
        {
            Coverage[path] = Coverage.GetValueOrDefault(path) + 1;
        }
    }
}
