using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>Issue 10 §1: the live buffer of a retention-0 stream is bounded (5 minutes) and archives nothing.</summary>
[TestFixture]
public sealed class LiveBufferTests
{
    private const long T0 = MkvSample.StartMs;

    [Test]
    public async Task A_retention_0_stream_lets_fragments_older_than_five_minutes_go()
    {
        var clock = new ManualClock();
        string directory = Directory.CreateTempSubdirectory("kvs-livebuffer-").FullName;
        try
        {
            await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = directory, TimeProvider = clock });
            using var api = new KvsApi(kvs.Url);
            await api.CreateStreamAsync("cam", retentionHours: 0);
            await UploadAsync(kvs.Url, T0);
            int afterFirst = Directory.GetFiles(directory, "*.mkv", SearchOption.AllDirectories).Length;

            clock.Advance(TimeSpan.FromMinutes(6));
            await UploadAsync(kvs.Url, T0 + 400_000);

            Assert.That(afterFirst, Is.EqualTo(1), "the live buffer holds the first fragment");
            Assert.That(Directory.GetFiles(directory, "*.mkv", SearchOption.AllDirectories), Has.Length.EqualTo(1), "the older fragment left the buffer");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task A_retention_0_stream_lists_no_archived_fragments()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(LocalKvsOptions.Default);
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("cam", retentionHours: 0);
        await UploadAsync(kvs.Url, T0);

        ApiResult listed = await api.CallAsync("listFragments", """{"StreamName":"cam"}""");

        Assert.That(listed.Body.GetProperty("Fragments").GetArrayLength(), Is.Zero);
    }

    private static async Task UploadAsync(Uri url, long timecode)
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(url, "cam");
        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(timecode));
        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();
        Assert.That(acks.Select(a => a.EventType), Does.Contain("RECEIVED"));
    }
}
