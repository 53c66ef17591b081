using System.Net.Http.Json;
using System.Text.Json;
using KvsProducer.Auth;
using KvsProducer.LocalEndpoint;

namespace KvsProducer.Streaming.Tests;

/// <summary>A local KVS endpoint in a fresh data directory, and a producer pointed at it.</summary>
internal sealed class LocalKvsFixture : IAsyncDisposable
{
    private readonly string _dataDirectory;

    private LocalKvsFixture(LocalKvs kvs, string dataDirectory)
    {
        Kvs = kvs;
        _dataDirectory = dataDirectory;
        // The endpoint's own self-signed certificate (HTTPS tests): trusted by this client only.
        Http = kvs.CertificatePath is null
            ? new HttpClient { BaseAddress = kvs.Url }
            : new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null }) { BaseAddress = kvs.Url };
    }

    public LocalKvs Kvs { get; }

    public HttpClient Http { get; }

    public static async Task<LocalKvsFixture> StartAsync(Func<LocalKvsOptions, LocalKvsOptions>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "kvs-streaming-" + Guid.NewGuid().ToString("N"));
        var options = new LocalKvsOptions { DataDirectory = directory };
        var kvs = await LocalKvs.StartAsync(configure is null ? options : configure(options));
        return new LocalKvsFixture(kvs, directory);
    }

    public ProducerOptions ProducerOptions => new()
    {
        Region = "us-west-2",
        ServiceUrl = Kvs.Url,
        Credentials = new StaticCredentialsProvider("AKIDLOCALTEST", "local-secret"),
        StorageSize = 16 * 1024 * 1024,
    };

    /// <summary>ListFragments over the local endpoint's HTTP API: the fragments stored for <paramref name="stream"/>.</summary>
    public async Task<List<JsonElement>> ListFragmentsAsync(string stream)
    {
        using var response = await Http.PostAsJsonAsync("/listFragments", new Dictionary<string, object> { ["StreamName"] = stream, ["MaxResults"] = 1000 });
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("Fragments").EnumerateArray().Select(f => f.Clone()).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Kvs.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
