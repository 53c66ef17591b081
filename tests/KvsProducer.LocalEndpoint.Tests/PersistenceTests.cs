using System.Diagnostics;
using System.Text.Json;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>Issue 3 §1, §3: streams and PERSISTED fragments survive a restart and a kill -9.</summary>
[TestFixture]
public sealed class PersistenceTests
{
    private const long T0 = MkvSample.StartMs;
    private string _dataDirectory = null!;

    [SetUp]
    public void CreateDirectory() => _dataDirectory = Directory.CreateTempSubdirectory("kvs-persist-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dataDirectory, recursive: true);

    [Test]
    public async Task Streams_and_their_tags_survive_a_restart()
    {
        await using (LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory }))
        {
            using var api = new KvsApi(kvs.Url);
            await api.CreateStreamAsync("kept", retentionHours: 7);
            await api.CallAsync("tagStream", """{"StreamName":"kept","Tags":{"site":"lab"}}""");
        }

        await using LocalKvs restarted = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory });
        using var again = new KvsApi(restarted.Url);
        JsonElement info = await again.DescribeAsync("kept");
        ApiResult tags = await again.CallAsync("listTagsForStream", """{"StreamName":"kept"}""");

        Assert.That(info.GetProperty("DataRetentionInHours").GetInt32(), Is.EqualTo(7));
        Assert.That(tags.Body.GetProperty("Tags").GetProperty("site").GetString(), Is.EqualTo("lab"));
    }

    [Test]
    public async Task Persisted_fragments_survive_a_restart_and_new_numbers_stay_above_them()
    {
        List<string> before;
        await using (LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory }))
        {
            using var api = new KvsApi(kvs.Url);
            await api.CreateStreamAsync("cam");
            before = await UploadAsync(kvs.Url, T0, T0 + 2000);
        }

        await using LocalKvs restarted = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory });
        using var again = new KvsApi(restarted.Url);
        List<string?> listed = [.. (await again.CallAsync("listFragments", """{"StreamName":"cam"}""")).Body.GetProperty("Fragments").EnumerateArray().Select(f => f.GetProperty("FragmentNumber").GetString())];
        List<string> after = await UploadAsync(restarted.Url, T0 + 4000);

        Assert.That(listed, Is.EqualTo(before));
        Assert.That(string.CompareOrdinal(after[0], before[^1]), Is.GreaterThan(0));
    }

    [Test]
    public async Task A_kill_9_keeps_streams_and_every_fragment_acknowledged_persisted()
    {
        string testAssembly = typeof(PersistenceTests).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", testAssembly, "serve", _dataDirectory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        List<string> persisted;
        using (Process child = Process.Start(start)!)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                string url = await child.StandardOutput.ReadLineAsync(cts.Token) ?? throw new AssertionException("the endpoint process printed no URL: " + await child.StandardError.ReadToEndAsync(cts.Token));
                using var api = new KvsApi(new Uri(url));
                await api.CreateStreamAsync("cam");
                persisted = await UploadAsync(new Uri(url), T0, T0 + 2000, T0 + 4000);
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no shutdown code runs
                await child.WaitForExitAsync();
            }
        }

        await using LocalKvs restarted = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory });
        using var again = new KvsApi(restarted.Url);
        List<string?> listed = [.. (await again.CallAsync("listFragments", """{"StreamName":"cam"}""")).Body.GetProperty("Fragments").EnumerateArray().Select(f => f.GetProperty("FragmentNumber").GetString())];

        Assert.That(listed, Is.SupersetOf(persisted));
    }

    [Test]
    public async Task A_torn_last_index_line_is_ignored_on_load()
    {
        await using (LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory }))
        {
            using var api = new KvsApi(kvs.Url);
            await api.CreateStreamAsync("cam");
            await UploadAsync(kvs.Url, T0);
        }

        string index = Directory.GetFiles(_dataDirectory, "fragments.jsonl", SearchOption.AllDirectories).Single();
        await File.AppendAllTextAsync(index, "{\"Number\":\"913438523330000");

        await using LocalKvs restarted = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory });
        using var again = new KvsApi(restarted.Url);
        ApiResult listed = await again.CallAsync("listFragments", """{"StreamName":"cam"}""");

        Assert.That(listed.Body.GetProperty("Fragments").GetArrayLength(), Is.EqualTo(1));
    }

    /// <summary>Uploads one fragment per timecode and returns the numbers acknowledged PERSISTED.</summary>
    private static async Task<List<string>> UploadAsync(Uri url, params long[] timecodes)
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(url, "cam");
        await upload.SendAsync([MkvSample.Header(), .. timecodes.Select(t => MkvSample.Cluster(t))]);
        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();
        List<string> persisted = [.. acks.Where(a => a.EventType == "PERSISTED").Select(a => a.Number!)];
        Assert.That(persisted, Has.Count.EqualTo(timecodes.Length), string.Join(" ", acks));
        return persisted;
    }
}
