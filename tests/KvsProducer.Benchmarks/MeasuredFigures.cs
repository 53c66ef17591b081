using System.Globalization;
using System.Text;
using BenchmarkDotNet.Running;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Figures a benchmark measures itself — CPU time, latency samples — where BenchmarkDotNet only times
/// operations. The benchmark process appends them to one file per benchmark case; the host process
/// reads them back for the summary's columns (<see cref="MeasuredFigureColumn"/>). Values are also
/// printed, so the run's log keeps them.
/// </summary>
internal static class MeasuredFigures
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "kvs-producer-bench-figures");

    /// <summary>The key of a benchmark case as the benchmark process knows it: class, method, parameter values.</summary>
    public static string KeyOf(Type benchmark, string method, params object[] parameters) =>
        $"{benchmark.Name}.{method}({string.Join(",", parameters.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)))})";

    /// <summary>The same key, as the host process sees the case.</summary>
    public static string KeyOf(BenchmarkCase benchmarkCase) =>
        KeyOf(benchmarkCase.Descriptor.Type, benchmarkCase.Descriptor.WorkloadMethod.Name, [.. benchmarkCase.Parameters.Items.Select(p => p.Value)]);

    /// <summary>Forgets the figures of an earlier run of this case (call in the case's GlobalSetup).</summary>
    public static void Reset(string key)
    {
        Directory.CreateDirectory(Folder);
        File.Delete(PathOf(key));
    }

    public static void Record(string key, string figure, IEnumerable<double> values)
    {
        var lines = new StringBuilder();
        foreach (var value in values)
        {
            lines.Append(figure).Append('\t').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        File.AppendAllText(PathOf(key), lines.ToString());
    }

    public static IReadOnlyList<double> Read(string key, string figure)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return [];
        }

        return [.. File.ReadLines(path)
            .Select(line => line.Split('\t'))
            .Where(parts => parts.Length == 2 && parts[0] == figure)
            .Select(parts => double.Parse(parts[1], CultureInfo.InvariantCulture))];
    }

    private static string PathOf(string key) =>
        Path.Combine(Folder, string.Concat(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_')) + ".tsv");
}
