using BenchmarkDotNet.Attributes;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Issue 2 targets: Annex-B frames in → KVS MKV out, 0 bytes allocated per frame and ≥ 2 GB/s on one
/// core, beside a plain copy of the same bytes into the same buffer (the physical limit).
/// One operation = one frame; throughput = the GB/s column (input bytes per second).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class PackagingBenchmarks
{
    private const int FrameCount = 250;

    private byte[][] _frames = [];
    private ReusableBufferWriter _output = null!;
    private MkvFragmenter _fragmenter = null!;
    private long _index;

    [Params("640x480", "1920x1080")]
    public string Resolution { get; set; } = "640x480";

    [GlobalSetup]
    public void Setup()
    {
        _frames = SyntheticFrames.Create(Resolution, FrameCount);
        ThroughputConfig.BytesPerOperation[Resolution] = SyntheticFrames.TotalBytes(_frames) / (double)FrameCount;
        _output = new ReusableBufferWriter(64 << 20);
        _fragmenter = new MkvFragmenter(new MkvFragmenterOptions());
        _index = 0;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FrameCount, Description = "plain copy")]
    public void PlainCopy()
    {
        foreach (var frame in _frames)
        {
            MakeRoom(frame.Length);
            frame.CopyTo(_output.GetSpan(frame.Length));
            _output.Advance(frame.Length);
        }
    }

    [Benchmark(OperationsPerInvoke = FrameCount, Description = "Annex-B → KVS MKV")]
    public void Package()
    {
        foreach (var data in _frames)
        {
            MakeRoom(data.Length + 1024);
            var time = TimeSpan.FromTicks(_index++ * 400_000); // 25 fps, always increasing across invocations
            _fragmenter.Write(new Frame(data, time, TimeSpan.FromMilliseconds(40), _index % 25 == 1 ? FrameFlags.KeyFrame : FrameFlags.None), _output);
        }
    }

    private void MakeRoom(int bytes)
    {
        if (_output.FreeCapacity < bytes + (1 << 20))
        {
            _output.Reset();
        }
    }
}
