using System.Buffers;
using System.Collections.Concurrent;
using KvsProducer.Buffering;

namespace KvsProducer.Tests.Buffering;

/// <summary>Producers, a sender and an acknowledgement reader per stream on their own threads, two streams on one store.</summary>
public class ContentViewConcurrencyTests
{
    [Test]
    [CancelAfter(60_000)]
    public void Concurrent_producers_sender_and_ack_reader_lose_no_frame_and_report_none_twice()
    {
        using var store = new ContentStore(new ContentStoreOptions { SegmentSize = 1024, StorageSize = 256 * 1024 }, TimeProvider.System);
        var streams = Enumerable.Range(0, 2).Select(i => new ConcurrentStream(store, i * 1_000_000)).ToArray();

        var threads = streams.SelectMany(s => s.Start(producers: 2, framesPerProducer: 3000)).ToList();
        foreach (var thread in threads.Where(t => t.Name!.StartsWith("producer", StringComparison.Ordinal)))
        {
            thread.Join();
        }

        foreach (var stream in streams)
        {
            stream.Stop();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        foreach (var stream in streams)
        {
            stream.View.Dispose();
            Assert.That(stream.Failure, Is.Null);
            Assert.That(stream.Frames.Values.Where(v => v.Persisted + v.Dropped != 1), Is.Empty, "every frame ends PERSISTED or dropped, exactly once");
            Assert.That(stream.Frames.Values.Count(v => v.Persisted == 1), Is.GreaterThan(0));
            var metrics = stream.View.GetMetrics();
            TestContext.Out.WriteLine($"{stream.Frames.Count} frames ({metrics.PutFrames} put): {stream.Frames.Values.Count(v => v.Persisted == 1)} persisted, {metrics.DroppedFrames} dropped, {metrics.TotalSessions} sessions");
        }

        Assert.That(store.HeldSegments, Is.Zero);
    }

    private sealed class ConcurrentStream
    {
        private readonly Lock _producerLock = new();
        private readonly Lock _stateLock = new();
        private readonly Dictionary<long, List<long>> _fragments = [];
        private readonly BlockingCollection<(int Session, long Timecode)> _acks = new();
        private long _nextId;
        private long _openFragment = -1;
        private TimeSpan _now = TimeSpan.FromSeconds(10);
        private volatile bool _stopping;

        public ConcurrentStream(ContentStore store, long idBase)
        {
            _nextId = idBase;
            View = store.CreateView(new ContentViewOptions { BufferDuration = TimeSpan.FromSeconds(30), ReplayDuration = TimeSpan.FromSeconds(5) });
            View.SetHeader(TestMkv.Header());
            View.FramesDropped += (_, e) =>
            {
                if (e.Data.IsEmpty)
                {
                    return; // a refused frame: never accepted, so not in Frames
                }

                foreach (long id in EbmlWalker.WalkClusters(e.Data.ToArray(), allowLeadingBlocks: true).SelectMany(c => c.FrameIds))
                {
                    Update(id, dropped: 1);
                }
            };
        }

        public ContentView View { get; }

        public Dictionary<long, (int Persisted, int Dropped)> Frames { get; } = [];

        public Exception? Failure { get; private set; }

        public IEnumerable<Thread> Start(int producers, int framesPerProducer)
        {
            var threads = new List<Thread>();
            for (int p = 0; p < producers; p++)
            {
                threads.Add(new Thread(() => Guard(() => Produce(framesPerProducer))) { Name = "producer", IsBackground = true });
            }

            threads.Add(new Thread(() =>
            {
                Guard(Send);
                _acks.CompleteAdding();
            }) { Name = "sender", IsBackground = true });
            threads.Add(new Thread(() => Guard(Acknowledge)) { Name = "acks", IsBackground = true });
            foreach (var thread in threads)
            {
                thread.Start();
            }

            return threads;
        }

        public void Stop() => _stopping = true;

        private void Produce(int frames)
        {
            var random = new Random(Environment.CurrentManagedThreadId);
            for (int i = 0; i < frames; i++)
            {
                // The stream layer serializes a stream's puts (the MKV writer is stateful); different streams run in parallel.
                lock (_producerLock)
                {
                    bool starts = _openFragment < 0 || random.Next(10) == 0;
                    long timecode = (long)_now.TotalMilliseconds;
                    int payload = random.Next(8, 1500);
                    var info = new FrameInfo(_now, _now, TimeSpan.FromMilliseconds(10), starts ? FrameFlags.KeyFrame : FrameFlags.None, starts, timecode);
                    _now += TimeSpan.FromMilliseconds(10);
                    if (!View.TryBeginFrame(info, TestMkv.PackagedSize(starts, payload)))
                    {
                        continue;
                    }

                    long id = _nextId++;
                    lock (_stateLock)
                    {
                        if (starts)
                        {
                            _openFragment = timecode;
                            _fragments[timecode] = [];
                        }

                        _fragments[_openFragment].Add(id);
                        Frames[id] = (0, 0);
                    }

                    TestMkv.WriteFrame(View.Writer, starts, _openFragment, (short)(timecode - _openFragment), starts, TestMkv.Payload(id, payload));
                    View.CommitFrame();
                }

                Thread.Yield(); // a camera paces its frames; without this the producers only measure refusals

            }
        }

        private void Send()
        {
            var random = new Random(7);
            while (!_stopping)
            {
                int session = View.StartSession();
                var parser = new SessionParser();
                int acked = 0;
                for (int reads = random.Next(200, 2000); reads > 0 && !_stopping;)
                {
                    if (!View.TryRead(session, random.Next(100, 5000), out var data))
                    {
                        Thread.Yield();
                        continue;
                    }

                    reads--;
                    foreach (var piece in data)
                    {
                        parser.Feed(piece.Span);
                    }

                    View.AdvanceSent(session, data.Length);
                    for (; acked < parser.Clusters.Count - 1; acked++)
                    {
                        _acks.Add((session, parser.Clusters[acked].Timecode));
                    }
                }

                // Like a session that ends on purpose: wait (a little) for the acknowledgements already on their way.
                SpinWait.SpinUntil(() => _acks.Count == 0, TimeSpan.FromSeconds(1));
                View.EndSession(session);
            }
        }

        private void Acknowledge()
        {
            foreach (var (session, timecode) in _acks.GetConsumingEnumerable())
            {
                if (View.OnPersisted(session, timecode) == AckOutcome.Applied)
                {
                    List<long> frames;
                    lock (_stateLock)
                    {
                        frames = [.. _fragments[timecode]];
                    }

                    foreach (long id in frames)
                    {
                        Update(id, persisted: 1);
                    }
                }
            }
        }

        private void Update(long id, int persisted = 0, int dropped = 0)
        {
            lock (_stateLock)
            {
                var state = Frames[id];
                Frames[id] = (state.Persisted + persisted, state.Dropped + dropped);
            }
        }

        private void Guard(Action action)
        {
            try
            {
                action();
            }
#pragma warning disable CA1031 // the test thread reports any failure through Failure
            catch (Exception e)
#pragma warning restore CA1031
            {
                Failure ??= e;
                _stopping = true;
            }
        }
    }
}
