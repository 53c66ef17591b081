using System.Diagnostics;

namespace KvsProducer.FaultTests;

/// <summary>
/// Runs a <see cref="Scenario"/>: faults/run-scenario.sh inside <c>unshare -n -m</c> (its own network and
/// mount namespace, so scenarios run side by side on the same port), then reads its results.
/// </summary>
internal static class ScenarioRunner
{
    private static readonly string Bin = AppContext.BaseDirectory;

    /// <summary>Seconds a live stream may take to store its first fragment (control plane, JIT on a loaded machine).</summary>
    private const int StartUpAllowance = 120;

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
        // A live stream runs MediaSeconds from its first stored fragment, then gets SIGTERM: fault times count from
        // that fragment too, so a slow start on a loaded machine shifts the whole schedule instead of eating it.
        bool live = scenario.Command == "stream";
        start.Environment["SOURCE"] = SourceClip.Covering(scenario.Clip, live ? scenario.MediaSeconds + StartUpAllowance : scenario.MediaSeconds);
        start.Environment["STOP_AT"] = live ? scenario.MediaSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
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
        // Bounded: the scenario's own length plus room for start-up, the drain and the read-back.
        int limit = scenario.MediaSeconds + StartUpAllowance + 180;
        bool finished = true;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(limit)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                finished = false;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "script.log"), await stdout + await stderr);
        var result = ScenarioResult.Read(scenario, folder, Math.Round(clock.Elapsed.TotalSeconds));
        FaultTable.Add(result);
        TestContext.Out.WriteLine(result.ToString());
        if (!finished)
        {
            Assert.Fail($"{scenario.Id} did not finish within {limit} s (the producer never ended; killed): {result}");
        }

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
