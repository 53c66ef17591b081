using System.Globalization;
using System.Text.Json;

namespace KvsProducer.FaultTests;

/// <summary>What a scenario left in its output folder, read back: the producer's summary and exit code, the
/// frames the endpoint stored (ffprobe's packet timestamps), and when fragments arrived after each fault.</summary>
internal sealed class ScenarioResult
{
    private ScenarioResult(Scenario scenario, string folder)
    {
        Scenario = scenario;
        Folder = folder;
    }

    public Scenario Scenario { get; }

    /// <summary>Where every file of the run is (producer.err, endpoint logs, stored.mkv...).</summary>
    public string Folder { get; }

    /// <summary>The producer's exit code, or null when it never ended (the script failed first).</summary>
    public int? ExitCode { get; private init; }

    public StreamSummary? Summary { get; private init; }

    public string ProducerStderr { get; private init; } = string.Empty;

    /// <summary>What went wrong in the fixture itself (namespace, endpoint start, read-back), if anything.</summary>
    public string SetupError { get; private init; } = string.Empty;

    /// <summary>Video packets ffprobe counts in what the endpoint stored (duplicates included).</summary>
    public int StoredPackets { get; private init; }

    /// <summary>Distinct frames stored (by timestamp).</summary>
    public int StoredFrames { get; private init; }

    public int Duplicates => StoredPackets - StoredFrames;

    /// <summary>
    /// Seconds from the end of the worst fault window until the stream was live again (reconnect plus catching
    /// up, see <see cref="Recovery"/>); null without fault windows, +∞ when that never happened.
    /// </summary>
    public double? RecoverySeconds { get; private init; }

    /// <summary>How long the whole scenario took, read-back included.</summary>
    public double WallSeconds { get; private init; }

    public static ScenarioResult Read(Scenario scenario, string folder, double wallSeconds)
    {
        string Text(string name) => File.Exists(Path.Combine(folder, name)) ? File.ReadAllText(Path.Combine(folder, name)) : string.Empty;

        var pts = Text("packets.csv").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return new ScenarioResult(scenario, folder)
        {
            WallSeconds = wallSeconds,
            ExitCode = int.TryParse(Text("producer.exit").Trim(), CultureInfo.InvariantCulture, out int code) ? code : null,
            Summary = StreamSummary.Find(Text("producer.json")),
            ProducerStderr = Text("producer.err"),
            SetupError = Text("setup-error.txt").Trim(),
            StoredPackets = pts.Count,
            StoredFrames = pts.Distinct(StringComparer.Ordinal).Count(),
            RecoverySeconds = Recovery(scenario.Command == "stream", FaultTimes(Text("faults.log"), "start"), FaultTimes(Text("faults.log"), "end"), StoredFragments(scenario.Endpoint, Text)),
        };
    }

    /// <summary>Epoch seconds at which fault windows of the given edge ("start" or "end") happened (faults.log lines "KIND-EDGE ARG EPOCH").</summary>
    private static List<double> FaultTimes(string log, string edge) =>
        log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(f => f.Length == 3 && f[0].EndsWith("-" + edge, StringComparison.Ordinal))
            .Select(f => double.Parse(f[2], CultureInfo.InvariantCulture))
            .ToList();

    /// <summary>(producer timestamp, arrival) of every stored fragment, in epoch seconds.</summary>
    private static List<(double Producer, double Server)> StoredFragments(FaultEndpoint endpoint, Func<string, string> text)
    {
        var fragments = new List<(double, double)>();
        if (endpoint == FaultEndpoint.Local)
        {
            string json = text("fragments.json");
            if (json.TrimStart().StartsWith('['))
            {
                using var document = JsonDocument.Parse(json);
                foreach (var f in document.RootElement.EnumerateArray())
                {
                    fragments.Add((f.GetProperty("ProducerTimestamp").GetDouble(), f.GetProperty("ServerTimestamp").GetDouble()));
                }
            }
        }
        else
        {
            // A line cut short by the stand-in's kill -9 is skipped: it stands for no acknowledged fragment.
            foreach (var line in text("journal.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.EndsWith('}')))
            {
                using var document = JsonDocument.Parse(line);
                var record = document.RootElement;
                if (record.GetProperty("event").GetString() == "persisted")
                {
                    fragments.Add((record.GetProperty("timecode").GetInt64() / 1000.0, record.GetProperty("server").GetDouble()));
                }
            }
        }

        return fragments;
    }

    /// <summary>
    /// Worst recovery over the fault windows: from the end of a window until the first fragment stored after it
    /// whose latency (arrival − producer timestamp) is back within one second of the median latency before the
    /// first window, i.e. until the stream is live again. Latency, not the producer's clock, because a live
    /// source's timestamps may run behind the wall clock by however long the producer took to start. An upload
    /// (media from the past, sent faster than real time) has no "live": there, until the first fragment is stored.
    /// </summary>
    private static double? Recovery(bool live, List<double> starts, List<double> ends, List<(double Producer, double Server)> fragments)
    {
        if (ends.Count == 0)
        {
            return null;
        }

        if (!live)
        {
            return Math.Round(ends.Max(end => fragments.Where(f => f.Server >= end).Select(f => f.Server).DefaultIfEmpty(double.PositiveInfinity).Min() - end), 1);
        }

        var before = fragments.Where(f => starts.Count == 0 || f.Server < starts.Min()).Select(f => f.Server - f.Producer).Order().ToList();
        double normal = before.Count > 0 ? before[before.Count / 2] : fragments.Select(f => f.Server - f.Producer).DefaultIfEmpty(0).Min();
        double worst = 0;
        foreach (double end in ends)
        {
            var caughtUp = fragments.Where(f => f.Server >= end && f.Server - f.Producer <= normal + 1).Select(f => f.Server).DefaultIfEmpty(double.PositiveInfinity).Min();
            worst = Math.Max(worst, caughtUp - end);
        }

        return Math.Round(worst, 1);
    }

    /// <summary>The last lines of the producer's stderr, for failure messages.</summary>
    public string StderrTail => string.Join('\n', ProducerStderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(6));

    public override string ToString() =>
        $"{Scenario.Id}: exit {ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}, put {Summary?.FramesPut}, skipped {Summary?.FramesSkipped}, persisted {Summary?.FramesPersisted}, "
        + $"dropped {Summary?.FramesDropped}, stored {StoredFrames}, duplicates {Duplicates}, recovery {RecoverySeconds?.ToString(CultureInfo.InvariantCulture) ?? "-"} s (files: {Folder})"
        + (SetupError.Length > 0 ? $"; fixture: {SetupError}" : string.Empty) + $"\nproducer stderr (tail):\n{StderrTail}";
}
