using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace KvsProducer.FaultTests;

/// <summary>
/// The fault table (issue 11): per scenario, frames put, persisted (as the producer reports), stored once
/// (ffprobe on the read-back), reported dropped, resent unconfirmed (the only frames allowed twice), duplicates and
/// recovery seconds. Written to
/// artifacts/fault-suite/fault-table.md when the run ends; docs/fault-suite.md records a run of it.
/// </summary>
internal static class FaultTable
{
    private static readonly ConcurrentBag<ScenarioResult> Results = [];

    public static void Add(ScenarioResult result) => Results.Add(result);

    public static string? Write()
    {
        if (Results.IsEmpty)
        {
            return null;
        }

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Fault table, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC (faults/run-scenario.sh; recovery: end of the fault until a stored fragment is back to the latency before it; uploads: until the first fragment stored).");
        table.AppendLine();
        table.AppendLine("| Scenario | Endpoint | Faults | Exit | Put | Skipped | Persisted | of them unconfirmed | Stored | Reported dropped | Resent unconfirmed | Duplicates | Recovery s | Wall s |");
        table.AppendLine("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in Results.OrderBy(r => r.Scenario.Endpoint).ThenBy(r => r.Scenario.Name, StringComparer.Ordinal))
        {
            var s = r.Summary;
            string recovery = r.RecoverySeconds switch
            {
                null => "–",
                double.PositiveInfinity => "never",
                double v => v.ToString("0.0", CultureInfo.InvariantCulture),
            };
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario.Name} | {r.Scenario.Endpoint} | `{r.Scenario.Command} {r.Scenario.Faults}` | {r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {s?.FramesPut.ToString(CultureInfo.InvariantCulture) ?? "no JSON"} | {s?.FramesSkipped} | {s?.FramesPersisted} | {s?.FramesPersistedUnconfirmed} | {r.StoredFrames} | {s?.FramesDropped} | {s?.FramesResentUnconfirmed} | {r.Duplicates} | {recovery} | {r.WallSeconds:0} |");
        }

        Directory.CreateDirectory(ScenarioRunner.OutputRoot);
        string path = Path.Combine(ScenarioRunner.OutputRoot, "fault-table.md");
        File.WriteAllText(path, table.ToString());
        return path;
    }
}
