using System.Diagnostics;
using System.Globalization;

namespace KvsProducer.Footprint;

/// <summary>
/// The parent: runs `kvs local --https` in its own process, then the producer role N times as a child
/// process. Time to first byte = the child's exec (Process.Start) to the endpoint logging "PutMedia session
/// ... started" (request headers in, the first cluster follows at once). Prints each run and the medians.
/// </summary>
internal static class FootprintDriver
{
    public static async Task<int> RunAsync(HarnessArguments arguments)
    {
        string kvs = arguments.KvsCommand ?? throw new ArgumentException("--kvs is required: the built kvs command (e.g. src/KvsProducer.Cli/bin/Release/net10.0/kvs).");
        string producer = arguments.ProducerCommand ?? Environment.ProcessPath!;
        using Process endpoint = Start(kvs, ["local", "--port", "0", "--https"], redirect: true);
        try
        {
            string? url = null;
            string? ca = null;
            while (url is null || ca is null)
            {
                string line = await endpoint.StandardOutput.ReadLineAsync().ConfigureAwait(false)
                    ?? throw new InvalidOperationException("kvs local exited before it printed its URL.");
                url ??= After(line, "Local KVS endpoint:");
                ca ??= After(line, "Trust certificate:");
            }

            TaskCompletionSource<long>? firstByte = null;
            _ = Task.Run(async () =>
            {
                while (await endpoint.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
                {
                    if (line.Contains("PutMedia session", StringComparison.Ordinal) && line.Contains("started", StringComparison.Ordinal))
                    {
                        Volatile.Read(ref firstByte)?.TrySetResult(Stopwatch.GetTimestamp());
                    }
                }
            });

            var results = new List<(double Cpu, double Rss, double FirstByteMs, double CpuPerMb)>();
            // Run 0 is a short warm-up that creates the stream (CreateStream, then DescribeStream polls every 500 ms
            // until ACTIVE): the timed runs find it ACTIVE, as a deployed camera does. It is not counted.
            string stream = "footprint-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            for (int run = 0; run <= arguments.Runs; run++)
            {
                HarnessArguments runArguments = arguments with { StreamName = stream, Seconds = run == 0 ? 1 : arguments.Seconds };
                var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref firstByte, tcs);
                long exec = Stopwatch.GetTimestamp();
                using Process child = Start(producer, ChildArguments(producer, runArguments, url, ca), redirect: true);
                string output = await child.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
                await child.WaitForExitAsync().ConfigureAwait(false);
                string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
                string? result = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT", StringComparison.Ordinal));
                if (child.ExitCode != 0 || result is null || !tcs.Task.IsCompleted)
                {
                    Console.Error.WriteLine($"run {run} failed (exit {child.ExitCode}): {output}{await child.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
                    return 1;
                }

                if (run == 0)
                {
                    continue;
                }

                double firstMs = Stopwatch.GetElapsedTime(exec, tcs.Task.Result).TotalMilliseconds;
                double cpu = Field(result, "cpu_s");
                double rss = Field(result, "rss_mb");
                double mb = Field(result, "bytes") / 1e6;
                double perMinute = cpu * 60 / arguments.Seconds;
                results.Add((perMinute, rss, firstMs, cpu / mb));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}: {result} cpu_s_per_media_min={perMinute:F3} cpu_s_per_mb={cpu / mb:F4} first_putmedia_ms={firstMs:F0} load1={load}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"MEDIAN mode={arguments.Mode} runs={arguments.Runs} media_s={arguments.Seconds} cpu_s_per_media_min={Median(results.Select(r => r.Cpu)):F3} cpu_s_per_mb={Median(results.Select(r => r.CpuPerMb)):F4} rss_mb={Median(results.Select(r => r.Rss)):F1} first_putmedia_ms={Median(results.Select(r => r.FirstByteMs)):F0}"));
            return 0;
        }
        finally
        {
            endpoint.Kill(entireProcessTree: true);
        }
    }

    private static string[] ChildArguments(string producer, HarnessArguments a, string url, string ca)
    {
        var list = new List<string>();
        if (producer.EndsWith(".dll", StringComparison.Ordinal))
        {
            list.Add(producer);
        }

        list.AddRange(["produce", "--endpoint", url, "--ca", ca, "--stream", a.StreamName, "--storage-mb", a.StorageMegabytes.ToString(CultureInfo.InvariantCulture), "--seconds", a.Seconds.ToString(CultureInfo.InvariantCulture),
            "--mode", a.Mode.ToString(), "--bitrate", a.BitsPerSecond.ToString(CultureInfo.InvariantCulture), "--frames", a.FramesDirectory]);
        return [.. list];
    }

    private static Process Start(string command, IEnumerable<string> args, bool redirect)
    {
        bool dll = command.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(dll ? "dotnet" : command) { RedirectStandardOutput = redirect, RedirectStandardError = redirect, UseShellExecute = false };
        if (dll && !args.Contains(command))
        {
            info.ArgumentList.Add(command);
        }

        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start '{command}'.");
    }

    private static string? After(string line, string label) =>
        line.StartsWith(label, StringComparison.Ordinal) ? line[label.Length..].Trim().Split(' ')[0] : null;

    private static double Field(string result, string name) =>
        double.Parse(result.Split(' ').First(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
