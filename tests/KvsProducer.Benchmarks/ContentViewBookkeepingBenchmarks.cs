using BenchmarkDotNet.Attributes;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Issue 4 target: the buffer's bookkeeping alone (reserve, record, read, confirm, acknowledge, trim) handles
/// ≥ 1 M frames/s: the same cycle as <see cref="ContentViewCycleBenchmarks"/> with 16-byte frames, so the
/// copy is negligible; beside a plain copy of the same bytes. One operation = one frame (frames/s = 1 / mean).
/// </summary>
[MemoryDiagnoser]
public class ContentViewBookkeepingBenchmarks
{
    private const int Frames = 1000;

    private byte[][] _frames = [];
    private byte[] _copyTarget = [];
    private ContentViewCycle _cycle = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frames = Enumerable.Range(0, Frames).Select(i => Enumerable.Repeat((byte)i, 16).ToArray()).ToArray();
        _copyTarget = new byte[16 * Frames];
        _cycle = new ContentViewCycle(8L * 1024 * 1024);
    }

    [GlobalCleanup]
    public void Cleanup() => _cycle.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "plain copy, 16 B")]
    public void PlainCopy()
    {
        int offset = 0;
        foreach (var frame in _frames)
        {
            frame.CopyTo(_copyTarget.AsSpan(offset));
            offset += frame.Length;
        }
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "put → send → PERSISTED, 16 B")]
    public void PutSendPersist()
    {
        foreach (var frame in _frames)
        {
            _cycle.Cycle(frame);
        }
    }
}
