using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KvsProducer.Benchmarks;

/// <summary>Adds an MB/s column to <see cref="StreamingUploadBenchmarks"/>: the frame bytes of one upload over its mean time.</summary>
public sealed class StreamingUploadConfig : ManualConfig
{
    public StreamingUploadConfig() => AddColumn(new UploadRateColumn());

    private sealed class UploadRateColumn : IColumn
    {
        public string Id => "UploadRate";

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Frame bytes put per second, first put to last PERSISTED, in 10^6 bytes";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is null ? "-" : (StreamingUploadBenchmarks.UploadBytes / mean.Value * 1000).ToString("0", CultureInfo.InvariantCulture); // bytes/ns × 1000 = MB/s
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
