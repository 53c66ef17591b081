using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KvsProducer.Benchmarks;

/// <summary>Adds a GB/s column: the input bytes of one operation (registered by the benchmark per parameter value) over its mean time.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new ThroughputColumn());

    /// <summary>Input bytes per operation, keyed by the benchmark's parameter value.</summary>
    public static ConcurrentDictionary<string, double> BytesPerOperation { get; } = new();

    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "Throughput";

        public string ColumnName => "GB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Input bytes processed per second, in 10^9 bytes";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            var key = benchmarkCase.Parameters.Items.FirstOrDefault()?.Value?.ToString();
            var mean = report?.ResultStatistics?.Mean;
            // The benchmark ran in another process; recompute the same deterministic frames' size here.
            if (key is null || mean is null)
            {
                return "-";
            }

            var bytes = BytesPerOperation.GetOrAdd(key, k => SyntheticFrames.TotalBytes(SyntheticFrames.Create(k, 250)) / 250.0);
            return (bytes / mean.Value).ToString("0.00", CultureInfo.InvariantCulture); // bytes per ns = GB/s
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
