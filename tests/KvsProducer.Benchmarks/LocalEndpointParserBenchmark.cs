using BenchmarkDotNet.Attributes;
using KvsProducer.LocalEndpoint.Internal.Mkv;

namespace KvsProducer.Benchmarks;

/// <summary>
/// The endpoint's push MKV parser alone: 64 MiB of PIC-shaped clusters fed in 64 KiB pieces to
/// a sink that does nothing, the CPU cost under every PutMedia byte. MB/s = 64 MiB / Mean.
/// </summary>
[MemoryDiagnoser]
public class LocalEndpointParserBenchmark
{
    private byte[] _body = null!;

    [GlobalSetup]
    public void Setup()
    {
        var body = new List<byte>(LocalEndpointIngestBenchmark.Mkv.Header());
        for (int i = 0; i < 64; i++)
        {
            body.AddRange(LocalEndpointIngestBenchmark.Mkv.Cluster(1_700_000_000_000 + (i * 1000), 16, 64 * 1024));
        }

        _body = [.. body];
    }

    [Benchmark(Description = "Parse 64 MiB in 64 KiB pieces")]
    public long Parse()
    {
        var parser = new MkvIngestParser(new NullSink());
        for (int offset = 0; offset < _body.Length; offset += 64 * 1024)
        {
            parser.Feed(_body.AsSpan(offset, Math.Min(64 * 1024, _body.Length - offset)));
        }

        parser.Complete();
        return parser.Position;
    }

    private sealed class NullSink : IMkvIngestSink
    {
        public void OnBytes(MkvRegion region, ReadOnlySpan<byte> bytes)
        {
        }

        public void OnEbmlHeader(string docType)
        {
        }

        public void OnTimecodeScale(ulong nanoseconds)
        {
        }

        public void OnTrack(ulong number, ulong uid, ulong type, string? codecId, string? name)
        {
        }

        public void OnTracksEnd()
        {
        }

        public void OnClusterStart()
        {
        }

        public void OnClusterTimecode(ulong timecode)
        {
        }

        public void OnBlock(ulong trackNumber, short relativeTimecode, byte flags, long payloadSize)
        {
        }

        public void OnClusterEnd()
        {
        }

        public void OnSimpleTag(string name, string value)
        {
        }
    }
}
