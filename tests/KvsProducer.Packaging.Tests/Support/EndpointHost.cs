using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace KvsProducer.Packaging.Tests.Support;

/// <summary>The EndpointHost program (a LocalKvs built from the packed package) running in a child process.</summary>
internal sealed class EndpointHost : IAsyncDisposable
{
    private readonly Process _process;

    private EndpointHost(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<EndpointHost> StartAsync(string hostDll, string dataDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add(dataDirectory);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the endpoint host.");
        var line = await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line is null || !line.StartsWith("url: ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The endpoint host printed '{line}' instead of its URL.");
        }

        return new EndpointHost(process, new Uri(line["url: ".Length..]));
    }

    /// <summary>The stream's stored fragments (ListFragments, unsigned: the host checks no signatures).</summary>
    public async Task<IReadOnlyList<JsonElement>> ListFragmentsAsync(string streamName, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url };
        using var response = await http.PostAsJsonAsync("/listFragments", new Dictionary<string, object> { ["StreamName"] = streamName, ["MaxResults"] = 1000 }, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var listing = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return [.. listing.RootElement.GetProperty("Fragments").EnumerateArray().Select(f => f.Clone())];
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
