using System.Text;
using BenchmarkDotNet.Attributes;
using KvsProducer.Service;

namespace KvsProducer.Benchmarks;

/// <summary>
/// ACK parsing cost (kvs-protocol.md §4): one operation = one ACK, from bytes appended to a parsed
/// <see cref="FragmentAck"/>. The stream is the steady-state pattern: BUFFERING, RECEIVED, PERSISTED per fragment,
/// 47-digit fragment numbers, in pieces of one HTTP chunk each (kvs-protocol.md §8.2).
/// </summary>
[MemoryDiagnoser]
public class AckParserBenchmarks
{
    private const int Fragments = 300;
    private const int AcksPerInvoke = Fragments * 3;

    private byte[][] _chunks = [];
    private AckParser _parser = new();

    [GlobalSetup]
    public void Setup()
    {
        var chunks = new List<byte[]>();
        for (var i = 0; i < Fragments; i++)
        {
            var timecode = 1_700_000_000_000L + (i * 2000L);
            var number = "9134385233318143239268206260774392014615916" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var type in new[] { "BUFFERING", "RECEIVED", "PERSISTED" })
            {
                chunks.Add(Encoding.UTF8.GetBytes($"{{\"EventType\":\"{type}\",\"FragmentTimecode\":{timecode},\"FragmentNumber\":\"{number}\"}}\n"));
            }
        }

        _chunks = chunks.ToArray();
        _parser = new AckParser();
    }

    [Benchmark(OperationsPerInvoke = AcksPerInvoke, Description = "ACK parse (one chunk per ACK)")]
    public ulong Parse()
    {
        ulong sum = 0;
        foreach (var chunk in _chunks)
        {
            _parser.Append(chunk);
            while (_parser.TryRead(out var ack))
            {
                sum += ack.FragmentTimecode;
            }
        }

        return sum;
    }
}
