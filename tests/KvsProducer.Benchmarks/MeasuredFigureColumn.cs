using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KvsProducer.Benchmarks;

/// <summary>A summary column showing one <see cref="MeasuredFigures"/> figure of each case, aggregated (median, a percentile, a range…).</summary>
internal sealed class MeasuredFigureColumn(string figure, string columnName, string legend, Func<IReadOnlyList<double>, string> aggregate) : IColumn
{
    public string Id => "Measured." + columnName;

    public string ColumnName => columnName;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    /// <summary>Nearest-rank percentile <paramref name="p"/> (0–100) of <paramref name="values"/>, formatted.</summary>
    public static Func<IReadOnlyList<double>, string> Percentile(double p, string format) => values =>
    {
        if (values.Count == 0)
        {
            return "-";
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)].ToString(format, CultureInfo.InvariantCulture);
    };

    /// <summary>"min–max" of <paramref name="values"/>, formatted.</summary>
    public static Func<IReadOnlyList<double>, string> Range(string format) => values =>
        values.Count == 0 ? "-" : $"{values.Min().ToString(format, CultureInfo.InvariantCulture)}–{values.Max().ToString(format, CultureInfo.InvariantCulture)}";

    public static Func<IReadOnlyList<double>, string> Count() => values => values.Count.ToString(CultureInfo.InvariantCulture);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        aggregate(MeasuredFigures.Read(MeasuredFigures.KeyOf(benchmarkCase), figure));

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
