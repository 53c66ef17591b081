using System.Diagnostics;
using KvsProducer.Buffering;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Buffering;

/// <summary>
/// The randomized model test of issue 4: thousands of seeded sequences of put / send (reads held across
/// other operations) / each ACK type / late ACKs of replaced sessions / disconnects and rollbacks / store
/// pressure, two streams sharing one store. Set KVS_BUFFER_MODEL_SEED to replay a printed seed.
/// </summary>
public class ContentViewModelTests
{
    private const int Sequences = 3000;
    private const int StepsPerSequence = 300;

    [Test]
    public void Random_sequences_keep_every_buffer_invariant()
    {
        string? fixedSeed = Environment.GetEnvironmentVariable("KVS_BUFFER_MODEL_SEED");
        int seed = fixedSeed is null ? Environment.TickCount : int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture);
        TestContext.Out.WriteLine($"Model seed {seed} (replay with KVS_BUFFER_MODEL_SEED={seed})");
        var master = new Random(seed);
        var clock = Stopwatch.StartNew();
        long frames = 0, sessions = 0;
        for (int i = 0; i < Sequences; i++)
        {
            int sequenceSeed = master.Next();
            try
            {
                (long f, long s) = RunSequence(sequenceSeed);
                frames += f;
                sessions += s;
            }
            catch (Exception e) when (e is InvalidOperationException or InvalidDataException or AssertionException or ArgumentException)
            {
                Assert.Fail($"Sequence {i} (seed {sequenceSeed}) of model seed {seed} broke an invariant: {e}");
            }
        }

        TestContext.Out.WriteLine($"{Sequences} sequences, {frames} frames, {sessions} sessions in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var (path, count) in ModelStream.Coverage.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            TestContext.Out.WriteLine($"  {path}: {count}");
        }

        // The model must reach every rule, or a passing run proves little.
        Assert.That(ModelStream.Coverage.Keys, Is.SupersetOf(new[]
        {
            "frame packaged by MkvFragmenter", "session checked by EbmlDocumentReader", "fragment persisted", "ack E Applied", "ack P Applied", "ack R Applied", "ack B Applied",
            "late ack ignored", "late ack applied", "offline put waited",
            "dropped StorageFull", "dropped BufferDurationExceeded", "dropped ReplayWindowExceeded sent",
            "dropped ErrorAcknowledgement sent", "dropped StreamClosed", "refused StorageFull", "refused FragmentStartDropped",
        }));
    }

    private static (long Frames, long Sessions) RunSequence(int seed)
    {
        var random = new Random(seed);
        int segmentSize = 256 << random.Next(3);
        int segments = random.Next(6, 40);
        using var store = new ContentStore(new ContentStoreOptions { SegmentSize = segmentSize, StorageSize = (long)segments * segmentSize }, new FakeTimeProvider());
        // One stream packaged by our explicit byte writer, one by the real MkvFragmenter (Plan, reserve, Commit).
        var streams = new[] { new ModelStream(store, random, 0, useFragmenter: false), new ModelStream(store, random, 1_000_000, useFragmenter: true) };

        for (int step = 0; step < StepsPerSequence; step++)
        {
            streams[random.Next(streams.Length)].Step();
            int held = streams.Sum(s => s.View.HeldSegments);
            if (store.HeldSegments > store.MaxSegments || held != store.HeldSegments)
            {
                throw new InvalidOperationException($"Step {step}: the store holds {store.HeldSegments} segments, the streams {held}, the budget is {store.MaxSegments}.");
            }
        }

        foreach (var stream in streams)
        {
            stream.Close();
        }

        if (store.HeldSegments != 0 || store.PooledBytes > store.StorageSize)
        {
            throw new InvalidOperationException($"After closing, {store.HeldSegments} segments are held and {store.PooledBytes} bytes pooled (budget {store.StorageSize}).");
        }

        long frames = 0, sessions = 0;
        foreach (var stream in streams)
        {
            long persisted = 0, unconfirmed = 0;
            foreach (var (id, state) in stream.Frames)
            {
                // RECEIVED and never PERSISTED (the session ended first): settled as persisted, unconfirmed, never resent.
                bool settled = state.Persisted + state.Dropped == 0 && stream.WasReceived(id);
                if (state.Persisted + state.Dropped + (settled ? 1 : 0) != 1)
                {
                    throw new InvalidOperationException($"Frame {id} ended PERSISTED {state.Persisted} times and dropped {state.Dropped} times (RECEIVED: {stream.WasReceived(id)}): it must be exactly one of the two, once.");
                }

                persisted += state.Persisted + (settled ? 1 : 0);
                unconfirmed += settled ? 1 : 0;
            }

            var metrics = stream.View.GetMetrics();
            if (metrics.PersistedFrames != persisted || metrics.PersistedUnconfirmedFrames != unconfirmed)
            {
                throw new InvalidOperationException($"The view counts {metrics.PersistedFrames} frames persisted ({metrics.PersistedUnconfirmedFrames} unconfirmed); the model {persisted} ({unconfirmed}).");
            }

            if (stream.RefusalEvents != stream.RefusedPuts)
            {
                throw new InvalidOperationException($"{stream.RefusedPuts} puts were refused but {stream.RefusalEvents} refusals were reported.");
            }

            frames += stream.Frames.Count;
            sessions += stream.Sessions;
        }

        return (frames, sessions);
    }
}
