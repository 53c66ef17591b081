using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Mkv;
using KvsProducer.LocalEndpoint.Internal.PutMedia;
using KvsProducer.LocalEndpoint.Internal.Storage;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>STYLE.md: the ingest hot path (parser + session) allocates nothing per frame.</summary>
[TestFixture]
public sealed class PutMediaSessionAllocationTests
{
    [Test]
    public void Frames_of_a_fragment_cost_no_allocation_beyond_the_fragment_itself()
    {
        string folder = Directory.CreateTempSubdirectory("kvs-alloc-").FullName;
        try
        {
            using var store = new FragmentStore(folder);
            var state = new StreamState { Name = "s", Arn = "arn", Version = "v", Status = "ACTIVE", Folder = folder, DataRetentionInHours = 0 };
            var stream = new StoredStream(state, store);
            var options = new LocalKvsOptions();
            var numbers = new FragmentNumbers(TimeProvider.System, []);
            var headers = new PutMediaHeaders("s", null, true, 0, true);

            long Cost(int frames)
            {
                using var session = new PutMediaSession(options, stream, () => true, numbers, headers, LocalKvsFaults.None, "alloc");
                var parser = new MkvIngestParser(session);
                parser.Feed(MkvSample.Header());
                var writer = new EbmlWriter().UnknownSize(0x1F43B675).Uint(0xE7, (ulong)MkvSample.StartMs, width: 8);
                for (int i = 0; i < frames; i++)
                {
                    writer.SimpleBlock(1, (short)i, i == 0, MkvSample.Frame(32));
                }

                byte[] cluster = writer.ToArray();
                byte[] next = MkvSample.Cluster(MkvSample.StartMs + 5000);
                var acks = new List<Internal.PutMedia.FragmentAck>(16);
                var jobs = new List<PersistJob>(16);
                long before = GC.GetAllocatedBytesForCurrentThread();
                parser.Feed(cluster);
                parser.Feed(next);
                session.TakeAcks(acks);
                session.TakePersistJobs(jobs);
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Cost(10); // warm up (JIT, static state)
            long few = Cost(10);
            long many = Cost(4000);

            Assert.That(many - few, Is.LessThan(1024), $"10 frames cost {few} B, 4000 frames cost {many} B");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
