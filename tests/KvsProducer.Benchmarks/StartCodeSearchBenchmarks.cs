using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using KvsProducer.Nal;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Start-code search over one frame's worth of slice payload that holds no start code, so every
/// method scans it all: the byte-by-byte loop the official C SDK uses, .NET's vectorized
/// <c>span.IndexOf("\0\0\u0001"u8)</c>, a hand-written Vector256 compare at three offsets (the
/// alternative we measured and dropped), <see cref="AnnexB.IndexOfStartCode"/> as shipped, and a plain
/// copy of the same bytes (the memory-bandwidth limit). The GB/s column is bytes scanned per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class StartCodeSearchBenchmarks
{
    private byte[] _data = [];
    private byte[] _copy = [];

    /// <summary>64 KiB ≈ a 640x480 frame (fits in L2), 1 MiB ≈ a 1080p key frame.</summary>
    [Params(64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    /// <summary>
    /// "payload": uniformly random bytes, as entropy-coded slice data is (one zero in 256 bytes);
    /// "zero-rich": one byte in eight is zero, many near misses (a harder, less typical case).
    /// </summary>
    [Params("payload", "zero-rich")]
    public string Content { get; set; } = "payload";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _data = new byte[Size];
        random.NextBytes(_data);
        if (Content == "zero-rich")
        {
            for (int i = 0; i < _data.Length; i += 8)
            {
                _data[i + random.Next(8)] = 0; // Size is a multiple of 8
            }
        }

        // Emulation prevention (H.264 §7.4.1): payload never holds 00 00 0x with x <= 3 unescaped.
        for (int i = 0; i + 2 < _data.Length; i++)
        {
            if (_data[i] == 0 && _data[i + 1] == 0 && _data[i + 2] <= 3)
            {
                _data[i + 2] = 3;
            }
        }

        _copy = new byte[Size];
        if (AnnexB.IndexOfStartCode(_data) != -1 || ByteByByte() != -1 || SpanIndexOf() != -1 || ThreeOffsetCompare() != -1)
        {
            throw new InvalidOperationException("The benchmark data must hold no start code.");
        }
    }

    [Benchmark(Baseline = true, Description = "byte by byte (C SDK)")]
    public int ByteByByte()
    {
        byte[] data = _data;
        for (int i = 0; i + 2 < data.Length; i++)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1)
            {
                return i;
            }
        }

        return -1;
    }

    [Benchmark(Description = "span.IndexOf(00 00 01)")]
    public int SpanIndexOf() => _data.AsSpan().IndexOf("\0\0\u0001"u8);

    [Benchmark(Description = "Vector256 x[i]==0 & x[i+1]==0 & x[i+2]==1")]
    public int ThreeOffsetCompare()
    {
        ref byte start = ref MemoryMarshal.GetArrayDataReference(_data);
        int last = _data.Length - Vector256<byte>.Count - 2;
        for (int i = 0; ; i = Math.Min(i + Vector256<byte>.Count, last))
        {
            var zero0 = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), Vector256<byte>.Zero);
            var zero1 = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i + 1), Vector256<byte>.Zero);
            var one2 = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i + 2), Vector256<byte>.One);
            uint mask = (zero0 & zero1 & one2).ExtractMostSignificantBits();
            if (mask != 0)
            {
                return i + BitOperations.TrailingZeroCount(mask);
            }

            if (i == last)
            {
                return -1;
            }
        }
    }

    [Benchmark(Description = "AnnexB.IndexOfStartCode")]
    public int IndexOfStartCode() => AnnexB.IndexOfStartCode(_data);

    [Benchmark(Description = "copy (bandwidth limit)")]
    public int Copy()
    {
        _data.AsSpan().CopyTo(_copy);
        return _copy[^1];
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new RateColumn("ScanRate", "Bytes scanned per second, in 10^9 bytes", c => RateColumn.IntParameter(c, nameof(Size))));
    }
}
