using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KvsProducer.Benchmarks;

/// <summary>
/// A throughput column: the bytes one operation processes (asked of the benchmark case) over its mean
/// time, in GB/s or MB/s. Every benchmark that reports a rate uses this one column.
/// </summary>
internal sealed class RateColumn(string id, string legend, Func<BenchmarkCase, double?> bytesPerOperation, bool megabytes = false) : IColumn
{
    public string Id => id;

    public string ColumnName => megabytes ? "MB/s" : "GB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean; // ns per operation
        var bytes = bytesPerOperation(benchmarkCase);
        if (mean is null || bytes is null)
        {
            return "-";
        }

        var gigabytesPerSecond = bytes.Value / mean.Value; // bytes per ns = GB/s
        return megabytes
            ? (gigabytesPerSecond * 1000).ToString("0", CultureInfo.InvariantCulture)
            : gigabytesPerSecond.ToString("0.00", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <summary>The value of the case's parameter <paramref name="name"/> as a byte count, when it is an int.</summary>
    public static double? IntParameter(BenchmarkCase benchmarkCase, string name) => benchmarkCase.Parameters[name] is int value ? value : null;
}
