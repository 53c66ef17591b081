using System.CommandLine;
using System.Text;
using System.Text.Json;
using KvsProducer.Cli.Commands;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>Issue 3: <c>kvs local</c>, <c>kvs fragments</c> and <c>kvs get-media</c> against a real endpoint.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliCommandTests
{
    private const long T0 = MkvSample.StartMs;

    [Test]
    public async Task Kvs_local_serves_until_cancelled_and_keeps_its_data_directory()
    {
        string directory = Directory.CreateTempSubdirectory("kvs-cli-").FullName;
        try
        {
            using var cts = new CancellationTokenSource();
            var output = new StringWriter();
            TextWriter original = Console.Out;
            Console.SetOut(TextWriter.Synchronized(output));
            Task<int> running;
            string url;
            try
            {
                running = Root(LocalCommand.Create()).Parse(["local", "--port", "0", "--data-dir", directory]).InvokeAsync(cancellationToken: cts.Token);
                url = await WaitForAsync(() => output.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("Local KVS endpoint: ", StringComparison.Ordinal))?["Local KVS endpoint: ".Length..].Trim());
                using var api = new KvsApi(new Uri(url));
                await api.CreateStreamAsync("from-cli");
                await cts.CancelAsync();
                Assert.That(await running, Is.EqualTo(0));
            }
            finally
            {
                Console.SetOut(original);
            }

            Assert.That(File.ReadAllText(Path.Combine(directory, "state.json")), Does.Contain("from-cli"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Kvs_local_refuses_http2_without_https_naming_both_options()
    {
        var error = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = await Root(LocalCommand.Create()).Parse(["local", "--port", "0", "--http2"]).InvokeAsync();
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("Http2").And.Contain("Https"));
    }

    [Test]
    public async Task Kvs_local_rejects_a_malformed_error_ack_flag()
    {
        var error = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = await Root(LocalCommand.Create()).Parse(["local", "--error-ack", "50x0@z"]).InvokeAsync();
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("ID@K"));
    }

    [Test]
    public async Task Kvs_fragments_json_lists_the_persisted_fragments()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        List<string> numbers = await UploadAsync(kvs);

        string printed = await CaptureAsync(() => Root(FragmentsCommand.Create()).Parse(["fragments", "--stream", "cam", "--endpoint-url", kvs.Url.ToString(), "--json"]).InvokeAsync());
        using JsonDocument json = JsonDocument.Parse(printed);

        Assert.That(json.RootElement.EnumerateArray().Select(f => f.GetProperty("FragmentNumber").GetString()), Is.EqualTo(numbers));
    }

    [Test]
    public async Task Kvs_get_media_writes_every_fragment_to_the_output_file()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        List<string> numbers = await UploadAsync(kvs);
        string file = Path.Combine(Path.GetTempPath(), $"kvs-get-media-{Guid.NewGuid():N}.mkv");
        try
        {
            await CaptureAsync(() => Root(GetMediaCommand.Create()).Parse(["get-media", "--stream", "cam", "--output", file, "--endpoint", kvs.Url.ToString(), "--idle-seconds", "0.5"]).InvokeAsync());
            string content = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));

            Assert.That(numbers, Is.All.Matches<string>(n => content.Contains(n, StringComparison.Ordinal)));
            Assert.That(content, Does.StartWith("\u001A\u0045\u00DF\u00A3"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static RootCommand Root(Command command) => new("kvs") { command };

    private static async Task<string> CaptureAsync(Func<Task<int>> run)
    {
        var output = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.That(await run(), Is.EqualTo(0));
        }
        finally
        {
            Console.SetOut(original);
        }

        return output.ToString();
    }

    private static async Task<string> WaitForAsync(Func<string?> probe)
    {
        for (int i = 0; i < 200; i++)
        {
            if (probe() is { Length: > 0 } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new AssertionException("kvs local printed no URL within 10 s");
    }

    private static async Task<List<string>> UploadAsync(LocalKvs kvs)
    {
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("cam");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "cam");
        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.Cluster(T0 + 2000));
        await upload.EndAsync();
        return [.. (await upload.AcksUntilEndAsync()).Where(a => a.EventType == "PERSISTED").Select(a => a.Number!)];
    }
}
