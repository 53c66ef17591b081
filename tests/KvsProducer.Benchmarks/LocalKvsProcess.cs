using System.Diagnostics;

namespace KvsProducer.Benchmarks;

/// <summary>
/// <c>kvs local</c> (the CLI's local endpoint) in a child process, so that this process's
/// <see cref="Process.TotalProcessorTime"/> is the producer's alone and the endpoint's CPU time is read
/// from the child. The benchmark project builds the CLI (a ProjectReference without its assembly), in
/// the same configuration, under src/KvsProducer.Cli/bin.
/// </summary>
internal sealed class LocalKvsProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;

    private LocalKvsProcess(Process process, string dataDirectory, Uri url)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Url = url;
    }

    /// <summary>The endpoint's base URL, as <c>kvs local</c> printed it.</summary>
    public Uri Url { get; }

    /// <summary>The endpoint process's CPU time (user + system, all threads) so far.</summary>
    public TimeSpan TotalProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts <c>kvs local --port 0 --data-dir</c> a fresh folder under <paramref name="dataRoot"/> and waits for its URL.</summary>
    public static LocalKvsProcess Start(string dataRoot)
    {
        var cli = Path.Combine(RepositoryRoot(), "src", "KvsProducer.Cli", "bin", BuildConfiguration, "net10.0", "kvs.dll");
        if (!File.Exists(cli))
        {
            throw new FileNotFoundException($"The kvs CLI is not built at '{cli}': build it with `dotnet build src/KvsProducer.Cli -c {BuildConfiguration}` (building the benchmark project does it).", cli);
        }

        var dataDirectory = Path.Combine(dataRoot, "kvs-bench-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { cli, "local", "--port", "0", "--data-dir", dataDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start `dotnet kvs.dll local`.");
        var url = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            const string Prefix = "Local KVS endpoint: ";
            if (e.Data is { } line && line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                url.TrySetResult(new Uri(line[Prefix.Length..].Trim()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!url.Task.Wait(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            lock (errors)
            {
                throw new InvalidOperationException($"`kvs local` printed no URL within 30 s (exit: {(process.HasExited ? process.ExitCode : "running")}): {errors}");
            }
        }

        return new LocalKvsProcess(process, dataDirectory, url.Task.Result);
    }

    /// <summary>Ends the child (it runs until Ctrl+C; this is our own process, ended by its id) and removes its data.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string BuildConfiguration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static string RepositoryRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "KvsProducer.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("Run the benchmarks from a checkout (no KvsProducer.sln above the binaries).");
        }

        return directory;
    }
}
