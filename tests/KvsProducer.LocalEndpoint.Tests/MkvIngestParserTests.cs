using KvsProducer.LocalEndpoint.Internal.Mkv;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>The push parser byte by byte (STYLE.md: split every input at every offset), and hostile input.</summary>
[TestFixture]
public sealed class MkvIngestParserTests
{
    private const long T0 = MkvSample.StartMs;

    [Test]
    public void Events_of_a_producer_stream_name_header_tracks_clusters_blocks_and_tags()
    {
        byte[] body = MkvSample.Concat(MkvSample.Header(tracks: 2), MkvSample.Tags(("motion", "yes")), MkvSample.Cluster(T0, (1, 0), (2, 10)), MkvSample.EndOfFragment());
        var sink = new RecordingSink();

        Parse(body, sink, body.Length);

        Assert.That(sink.Events, Is.EqualTo(new[]
        {
            "ebml matroska", "scale 1000000", "track 1 1 1 V_MPEG4/ISO/AVC kvs_video_track", "track 2 2 2 A_AAC kvs_audio_track", "tracks",
            "tag motion=yes", "cluster", $"timecode {T0}", "block 1 0 128", "block 2 10 0", "end cluster", "tag AWS_KINESISVIDEO_END_OF_FRAGMENT=",
        }));
    }

    [Test]
    public void Every_split_point_gives_the_same_events_and_the_same_bytes()
    {
        byte[] body = MkvSample.Concat(MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.Tags(("a", "b")), MkvSample.Cluster(T0 + 2000));
        var whole = new RecordingSink();
        Parse(body, whole, body.Length);

        for (int split = 1; split < body.Length; split++)
        {
            var sink = new RecordingSink();
            var parser = new MkvIngestParser(sink);
            parser.Feed(body.AsSpan(0, split));
            parser.Feed(body.AsSpan(split));
            parser.Complete();

            Assert.That(sink.Events, Is.EqualTo(whole.Events), $"split at {split}");
            Assert.That(sink.Bytes, Is.EqualTo(body), $"split at {split}");
        }
    }

    [Test]
    public void Regions_separate_envelope_header_tags_and_cluster_bytes()
    {
        byte[] header = MkvSample.Header();
        byte[] tags = MkvSample.Tags(("a", "b"));
        byte[] cluster = MkvSample.Cluster(T0);
        var sink = new RecordingSink();

        Parse(MkvSample.Concat(header, tags, cluster), sink, 7);

        Assert.That(sink.Region(MkvRegion.Envelope), Is.EqualTo(header[..45]));
        Assert.That(sink.Region(MkvRegion.Header), Is.EqualTo(header[45..]));
        Assert.That(sink.Region(MkvRegion.Tags), Is.EqualTo(tags));
        Assert.That(sink.Region(MkvRegion.Cluster), Is.EqualTo(cluster));
    }

    [Test]
    public void Known_size_clusters_and_eight_byte_sizes_are_accepted()
    {
        var cluster = new EbmlWriter().Master(0x1F43B675, c => c.Uint(0xE7, (ulong)T0).SimpleBlock(1, 0, true, MkvSample.Frame(10)), sizeWidth: 8).ToArray();
        var sink = new RecordingSink();

        Parse(MkvSample.Concat(MkvSample.Header(), cluster), sink, 3);

        Assert.That(sink.Events, Does.Contain("end cluster"));
    }

    [Test]
    public void Random_bytes_are_rejected_as_invalid_mkv_or_wait_for_more_never_anything_else()
    {
        var random = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            byte[] body = new byte[random.Next(1, 512)];
            random.NextBytes(body);
            if (i % 2 == 0)
            {
                MkvSample.Header().AsSpan(0, Math.Min(body.Length, 60)).CopyTo(body); // get past the first checks sometimes
            }

            var parser = new MkvIngestParser(new RecordingSink());
            try
            {
                parser.Feed(body);
                parser.Complete();
            }
            catch (IngestRejected rejected)
            {
                Assert.That(rejected.ErrorId, Is.AnyOf(AckErrorId.InvalidMkvData, AckErrorId.FragmentMetadataLimitReached, AckErrorId.MoreThanAllowedTracksFound, AckErrorId.TrackNumberMismatch));
            }
        }
    }

    [Test]
    public void A_huge_claimed_block_size_is_skipped_with_bounded_memory()
    {
        byte[] head = MkvSample.Concat(MkvSample.Header(), new EbmlWriter().UnknownSize(0x1F43B675).Uint(0xE7, (ulong)T0).Id(0xA3).Size(1L << 50, 8).Raw(0x81, 0, 0, 0x80).ToArray());
        var sink = new RecordingSink { KeepBytes = false };
        var parser = new MkvIngestParser(sink);
        parser.Feed(head);
        byte[] chunk = new byte[1 << 20];
        long before = GC.GetAllocatedBytesForCurrentThread();

        for (int i = 0; i < 64; i++)
        {
            parser.Feed(chunk);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(64 * 1024), "64 MiB of payload must pass through without being buffered");
        Assert.That(parser.Position, Is.EqualTo(head.Length + (64L << 20)));
    }

    [Test]
    public void A_huge_claimed_string_size_is_rejected_before_reading_it()
    {
        byte[] body = new EbmlWriter().Id(0x1A45DFA3).Size(1L << 40, 8).Id(0x4282).Size(1L << 39, 8).ToArray();

        var parser = new MkvIngestParser(new RecordingSink());

        Assert.That(() => parser.Feed(body), Throws.TypeOf<IngestRejected>().With.Message.Contains("plausible"));
    }

    [Test]
    public void An_unknown_size_outside_segment_and_cluster_is_rejected()
    {
        byte[] body = MkvSample.Concat(MkvSample.Header()[..45], new EbmlWriter().UnknownSize(0x1549A966).ToArray());

        var parser = new MkvIngestParser(new RecordingSink());

        Assert.That(() => parser.Feed(body), Throws.TypeOf<IngestRejected>().With.Message.Contains("unknown size"));
    }

    [Test]
    public void Deep_nesting_is_rejected_not_followed()
    {
        var w = new EbmlWriter().Raw(MkvSample.Header()[..45]).Id(0x1254C367).Size(1000).Id(0x7373).Size(990);
        for (int i = 0; i < 40; i++)
        {
            w.Id(0x67C8).Size(900 - (i * 10));
        }

        var parser = new MkvIngestParser(new RecordingSink());

        Assert.That(() => parser.Feed(w.ToArray()), Throws.TypeOf<IngestRejected>().With.Message.Contains("nested"));
    }

    private static void Parse(byte[] body, RecordingSink sink, int pieceSize)
    {
        var parser = new MkvIngestParser(sink);
        for (int i = 0; i < body.Length; i += pieceSize)
        {
            parser.Feed(body.AsSpan(i, Math.Min(pieceSize, body.Length - i)));
        }

        parser.Complete();
    }

    private sealed class RecordingSink : IMkvIngestSink
    {
        private readonly List<(MkvRegion Region, byte Value)> _bytes = [];

        public List<string> Events { get; } = [];

        public bool KeepBytes { get; init; } = true;

        public byte[] Bytes => [.. _bytes.Select(b => b.Value)];

        public byte[] Region(MkvRegion region) => [.. _bytes.Where(b => b.Region == region).Select(b => b.Value)];

        public void OnBytes(MkvRegion region, ReadOnlySpan<byte> bytes)
        {
            if (KeepBytes)
            {
                foreach (byte b in bytes)
                {
                    _bytes.Add((region, b));
                }
            }
        }

        public void OnEbmlHeader(string docType) => Events.Add($"ebml {docType}");

        public void OnTimecodeScale(ulong nanoseconds) => Events.Add($"scale {nanoseconds}");

        public void OnTrack(ulong number, ulong uid, ulong type, string? codecId, string? name) => Events.Add($"track {number} {uid} {type} {codecId} {name}");

        public void OnTracksEnd() => Events.Add("tracks");

        public void OnClusterStart() => Events.Add("cluster");

        public void OnClusterTimecode(ulong timecode) => Events.Add($"timecode {timecode}");

        public void OnBlock(ulong trackNumber, short relativeTimecode, byte flags, long payloadSize) => Events.Add($"block {trackNumber} {relativeTimecode} {flags}");

        public void OnClusterEnd() => Events.Add("end cluster");

        public void OnSimpleTag(string name, string value) => Events.Add($"tag {name}={value}");
    }
}
