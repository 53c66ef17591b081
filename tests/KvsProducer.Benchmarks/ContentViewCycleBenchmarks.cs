using BenchmarkDotNet.Attributes;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Issue 4 target: put → send → PERSISTED for 50 KB frames allocates 0 bytes per frame; beside a plain copy
/// of the same bytes into a reused buffer (the one copy the buffer cannot avoid). One operation = one frame.
/// </summary>
[MemoryDiagnoser]
public class ContentViewCycleBenchmarks
{
    private const int Frames = 100;
    private const int FrameSize = 50 * 1000;

    private byte[][] _frames = [];
    private byte[] _copyTarget = [];
    private ContentViewCycle _cycle = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(4);
        _frames = Enumerable.Range(0, Frames).Select(_ =>
        {
            var frame = new byte[FrameSize];
            random.NextBytes(frame);
            return frame;
        }).ToArray();
        _copyTarget = new byte[FrameSize * Frames];
        _cycle = new ContentViewCycle(64L * 1024 * 1024);
    }

    [GlobalCleanup]
    public void Cleanup() => _cycle.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "plain copy, 50 KB")]
    public void PlainCopy()
    {
        int offset = 0;
        foreach (var frame in _frames)
        {
            frame.CopyTo(_copyTarget.AsSpan(offset));
            offset += frame.Length;
        }
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "put → send → PERSISTED, 50 KB")]
    public void PutSendPersist()
    {
        foreach (var frame in _frames)
        {
            _cycle.Cycle(frame);
        }
    }
}
