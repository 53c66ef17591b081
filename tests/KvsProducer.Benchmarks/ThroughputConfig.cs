using System.Collections.Concurrent;
using BenchmarkDotNet.Configs;

namespace KvsProducer.Benchmarks;

/// <summary>Adds a GB/s column: the input bytes of one operation (registered by the benchmark per parameter value) over its mean time.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new RateColumn("Throughput", "Input bytes processed per second, in 10^9 bytes", BytesFor));

    /// <summary>Input bytes per operation, keyed by the benchmark's parameter value.</summary>
    public static ConcurrentDictionary<string, double> BytesPerOperation { get; } = new();

    // The benchmark ran in another process: recompute the same deterministic frames' size here.
    private static double? BytesFor(BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault()?.Value?.ToString() is { } key
            ? BytesPerOperation.GetOrAdd(key, k => SyntheticFrames.TotalBytes(SyntheticFrames.Create(k, 250)) / 250.0)
            : null;
}
