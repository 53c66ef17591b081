using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>kvs-protocol.md §2.2 DataRetentionInHours: fragments older than the retention are dropped.</summary>
[TestFixture]
public sealed class RetentionTests
{
    private const long T0 = MkvSample.StartMs;
    private string _dataDirectory = null!;

    [SetUp]
    public void CreateDirectory() => _dataDirectory = Directory.CreateTempSubdirectory("kvs-retention-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dataDirectory, recursive: true);

    [Test]
    public async Task Fragments_older_than_the_retention_are_dropped_when_new_ones_arrive()
    {
        var clock = new ManualClock();
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory, TimeProvider = clock });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("cam", retentionHours: 1);
        await UploadAsync(kvs.Url, T0, T0 + 2000);

        clock.Advance(TimeSpan.FromHours(2));
        List<string> recent = await UploadAsync(kvs.Url, T0 + 4000);
        ApiResult listed = await api.CallAsync("listFragments", """{"StreamName":"cam"}""");

        Assert.That(listed.Body.GetProperty("Fragments").EnumerateArray().Select(f => f.GetProperty("FragmentNumber").GetString()), Is.EqualTo(recent));
        Assert.That(Directory.GetFiles(_dataDirectory, "*.mkv", SearchOption.AllDirectories), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Fragments_that_expired_while_the_endpoint_was_down_are_dropped_at_start()
    {
        var clock = new ManualClock();
        await using (LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory, TimeProvider = clock }))
        {
            using var api = new KvsApi(kvs.Url);
            await api.CreateStreamAsync("cam", retentionHours: 1);
            await UploadAsync(kvs.Url, T0);
        }

        clock.Advance(TimeSpan.FromMinutes(61));
        await using LocalKvs restarted = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory, TimeProvider = clock });
        using var again = new KvsApi(restarted.Url);
        ApiResult listed = await again.CallAsync("listFragments", """{"StreamName":"cam"}""");

        Assert.That(listed.Body.GetProperty("Fragments").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Decreasing_the_retention_prunes_at_once_without_waiting_for_the_next_upload()
    {
        var clock = new ManualClock();
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory, TimeProvider = clock });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("cam", retentionHours: 3);
        await UploadAsync(kvs.Url, T0);
        clock.Advance(TimeSpan.FromHours(2));
        string version = (await api.DescribeAsync("cam")).GetProperty("Version").GetString()!;

        ApiResult updated = await api.CallAsync("updateDataRetention", $$"""{"StreamName":"cam","CurrentVersion":"{{version}}","Operation":"DECREASE_DATA_RETENTION","DataRetentionChangeInHours":2}""");
        ApiResult listed = await api.CallAsync("listFragments", """{"StreamName":"cam"}""");

        Assert.That(updated.Status, Is.EqualTo(200), updated.ToString());
        Assert.That(listed.Body.GetProperty("Fragments").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Fragments_within_the_retention_are_kept()
    {
        var clock = new ManualClock();
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory, TimeProvider = clock });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("cam", retentionHours: 1);
        await UploadAsync(kvs.Url, T0);

        clock.Advance(TimeSpan.FromMinutes(59));
        await UploadAsync(kvs.Url, T0 + 2000);
        ApiResult listed = await api.CallAsync("listFragments", """{"StreamName":"cam"}""");

        Assert.That(listed.Body.GetProperty("Fragments").GetArrayLength(), Is.EqualTo(2));
    }

    private static async Task<List<string>> UploadAsync(Uri url, params long[] timecodes)
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(url, "cam");
        await upload.SendAsync([MkvSample.Header(), .. timecodes.Select(t => MkvSample.Cluster(t))]);
        await upload.EndAsync();
        List<string> persisted = [.. (await upload.AcksUntilEndAsync()).Where(a => a.EventType == "PERSISTED").Select(a => a.Number!)];
        Assert.That(persisted, Has.Count.EqualTo(timecodes.Length));
        return persisted;
    }
}
