using BenchmarkDotNet.Attributes;
using KvsProducer.Buffering.Spool;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace KvsProducer.Benchmarks;

/// <summary>
/// The disk buffer's append path (docs/disk-buffer.md): one 50 KB frame appended as a CRC-checked record and its
/// fragment released every 25 frames (so segments roll and are deleted as in steady state), beside a plain
/// positional write of the same bytes to one file (the cost the disk itself sets). Allocated must be 0 B per frame.
/// The files live in the working directory's file system, not tmpfs. One operation = one frame.
/// </summary>
[MemoryDiagnoser]
public class SpoolAppendBenchmarks
{
    private const int Frames = 100;
    private const int FrameSize = 50 * 1000;
    private const long PlainFileWrap = 64L << 20;

    private Frame[] _frames = [];
    private string _directory = "";
    private FrameSpool _spool = null!;
    private FrameSpool _syncedSpool = null!;
    private SafeFileHandle _plain = null!;
    private long _plainOffset;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        _frames = Enumerable.Range(0, Frames).Select(i =>
        {
            var bytes = new byte[FrameSize];
            random.NextBytes(bytes);
            return new Frame(bytes, TimeSpan.FromMilliseconds(40 * i), TimeSpan.FromMilliseconds(40), i % 25 == 0 ? FrameFlags.KeyFrame : FrameFlags.None);
        }).ToArray();
        _directory = Path.Combine(Directory.GetCurrentDirectory(), "spool-bench-" + Guid.NewGuid().ToString("N"));
        var options = new DiskBufferOptions(_directory) { MaxBytes = 256L << 20, SegmentBytes = 16L << 20, SyncInterval = Timeout.InfiniteTimeSpan };
        _spool = FrameSpool.Open(options, "bench", TimeProvider.System, NullLogger.Instance);
        _syncedSpool = FrameSpool.Open(options with { SyncInterval = TimeSpan.FromSeconds(1) }, "bench-synced", TimeProvider.System, NullLogger.Instance);
        Directory.CreateDirectory(_directory);
        _plain = File.OpenHandle(Path.Combine(_directory, "plain.bin"), FileMode.Create, FileAccess.Write);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _spool.Dispose();
        _syncedSpool.Dispose();
        _plain.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "plain positional write, 50 KB")]
    public void PlainWrite()
    {
        foreach (var frame in _frames)
        {
            RandomAccess.Write(_plain, frame.Data.Span, _plainOffset);
            _plainOffset = (_plainOffset + FrameSize) % PlainFileWrap;
        }
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "spool append + release, 50 KB, no fsync")]
    public void SpoolAppend() => AppendAll(_spool);

    [Benchmark(OperationsPerInvoke = Frames, Description = "spool append + release, 50 KB, fsync each 1 s")]
    public void SpoolAppendSynced() => AppendAll(_syncedSpool);

    private void AppendAll(FrameSpool spool)
    {
        long fragmentStart = -1;
        for (int i = 0; i < _frames.Length; i++)
        {
            long sequence = spool.Append(_frames[i]);
            if (i % 25 == 0)
            {
                fragmentStart = sequence;
            }
            else if (i % 25 == 24)
            {
                spool.Release(fragmentStart, sequence); // the fragment's PERSISTED acknowledgement
            }
        }
    }
}
