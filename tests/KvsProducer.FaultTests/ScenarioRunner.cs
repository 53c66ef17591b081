using System.Diagnostics;

namespace KvsProducer.FaultTests;

/// <summary>
/// Runs a <see cref="Scenario"/>: faults/run-scenario.sh inside <c>unshare -n -m</c> (its own network and
/// mount namespace, so scenarios run side by side on the same port), then reads its results.
/// </summary>
internal static class ScenarioRunner
{
    private static readonly string Bin = AppContext.BaseDirectory;

    /// <summary>artifacts/fault-suite in the repository (CI keeps artifacts/), else under the test output.</summary>
    public static string OutputRoot { get; } = Path.Combine(RepositoryRoot() ?? Bin, "artifacts", "fault-suite");

    public static async Task<ScenarioResult> RunAsync(Scenario scenario)
    {
        FaultNamespace.RequireAvailable();
        string folder = Path.Combine(OutputRoot, scenario.Id);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-n", "-m", "bash", Path.Combine(Bin, "faults", "run-scenario.sh") })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OUT"] = folder;
        start.Environment["KVS_DLL"] = Path.Combine(Bin, "kvs.dll");
        start.Environment["STANDIN"] = Path.Combine(Bin, "standin", "kvs_standin.py");
        start.Environment["RELAY"] = Path.Combine(Bin, "faults", "delay_relay.py");
        start.Environment["ENDPOINT"] = scenario.Endpoint == FaultEndpoint.Local ? "local" : "standin";
        start.Environment["COMMAND"] = scenario.Command;
        start.Environment["SOURCE"] = SourceClip.Covering(scenario.Clip, scenario.MediaSeconds);
        start.Environment["DURATION"] = scenario.Command == "stream" ? scenario.MediaSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        start.Environment["FAULTS"] = scenario.Faults;
        if (scenario.Command == "upload")
        {
            // A recording made before now: the service refuses fragments stamped in the future.
            long startTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - scenario.MediaSeconds - 60;
            start.Environment["PRODUCER_ARGS"] = $"--start-time {startTime}";
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Bounded: the media's own length plus generous room for start-up, drain and read-back.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(scenario.MediaSeconds + 240));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{scenario.Id} did not finish within {scenario.MediaSeconds + 240} s (files: {folder}).");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "script.log"), await stdout + await stderr);
        var result = ScenarioResult.Read(scenario, folder, Math.Round(clock.Elapsed.TotalSeconds));
        FaultTable.Add(result);
        TestContext.Out.WriteLine(result.ToString());
        return result;
    }

    private static string? RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Bin); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KvsProducer.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
