using System.Diagnostics;

namespace KvsProducer.Packaging.Tests.Support;

/// <summary>
/// <c>kvs local</c> of the built tool (<c>dotnet kvs.dll local</c>, on the machine's full .NET install) in a
/// child process: the endpoint the runtime tests stream to, started apart from the <c>kvs</c> under test.
/// </summary>
internal sealed class LocalEndpointProcess : IAsyncDisposable
{
    private const string UrlPrefix = "Local KVS endpoint: ";
    private readonly Process _process;
    private readonly string _dataDirectory;

    private LocalEndpointProcess(Process process, string dataDirectory, Uri url)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<LocalEndpointProcess> StartAsync(CancellationToken cancellationToken)
    {
        var kvs = Repository.BuiltAssembly("KvsProducer.Cli");
        if (!File.Exists(kvs))
        {
            throw new FileNotFoundException($"The kvs tool is not built at {kvs}: build the solution first (./build.sh --target=Build).", kvs);
        }

        var dataDirectory = Directory.CreateTempSubdirectory("kvs-runtime-endpoint-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { kvs, "local", "--port", "0", "--data-dir", dataDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start `dotnet kvs.dll local`.");
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith(UrlPrefix, StringComparison.Ordinal))
            {
                // Keep reading its output, so the endpoint's log can never block on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return new LocalEndpointProcess(process, dataDirectory, new Uri(line[UrlPrefix.Length..].Trim()));
            }
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException($"`kvs local` exited ({process.ExitCode}) before it printed its URL: {await errors.ConfigureAwait(false)}");
    }

    /// <summary>
    /// The frames of a stream as ffprobe (not our code) counts them in what GetMedia returns from the
    /// earliest fragment, fetched with curl. GetMedia stays open for live data: curl stops after 3 s.
    /// </summary>
    public async Task<int> CountFramesReadBackAsync(string streamName, string workDirectory, CancellationToken cancellationToken)
    {
        var mkv = Path.Combine(workDirectory, streamName + ".mkv");
        var body = $$$"""{"StreamName":"{{{streamName}}}","StartSelector":{"StartSelectorType":"EARLIEST"}}""";
        var curl = await ProcessRunner.RunAsync("curl", ["-sS", "--max-time", "3", "-X", "POST", new Uri(Url, "getMedia").ToString(), "-H", "Content-Type: application/json", "-d", body, "-o", mkv], workDirectory, cancellationToken).ConfigureAwait(false);
        const int CurlTimedOut = 28;
        if (curl.ExitCode is not (0 or CurlTimedOut))
        {
            throw new InvalidOperationException(curl.ToString());
        }

        var probe = await ProcessRunner.RunCheckedAsync("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", mkv], workDirectory, cancellationToken).ConfigureAwait(false);
        return int.Parse(probe.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Ends the endpoint (our own child, by its process) and removes its data.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _process.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
