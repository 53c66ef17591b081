using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>Issue 3 §6: deterministic, seeded faults set by options or by the admin endpoint.</summary>
[TestFixture]
public sealed class FaultInjectionTests
{
    private const long T0 = MkvSample.StartMs;

    [Test]
    public async Task A_throttle_rate_of_one_answers_every_control_plane_call_with_ClientLimitExceeded()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { ThrottleRate = 1 } });
        using var api = new KvsApi(kvs.Url);

        ApiResult result = await api.CallAsync("listStreams", "{}");

        Assert.That(result.Status, Is.EqualTo(400));
        Assert.That(result.ErrorType, Does.StartWith("ClientLimitExceededException"));
    }

    [Test]
    public async Task A_server_error_rate_of_one_answers_500_InternalFailure()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { ServerErrorRate = 1 } });
        using var api = new KvsApi(kvs.Url);

        ApiResult result = await api.CallAsync("describeStream", """{"StreamName":"x"}""");

        Assert.That(result.Status, Is.EqualTo(500));
        Assert.That(result.ErrorType, Does.StartWith("InternalFailure"));
    }

    [Test]
    public async Task The_same_seed_gives_the_same_sequence_of_throttled_calls()
    {
        async Task<string> SequenceAsync(int seed)
        {
            await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { Seed = seed, ThrottleRate = 0.5 } });
            using var api = new KvsApi(kvs.Url);
            var outcomes = new StringBuilder();
            for (int i = 0; i < 24; i++)
            {
                outcomes.Append((await api.CallAsync("listStreams", "{}")).Status == 200 ? '.' : 'T');
            }

            return outcomes.ToString();
        }

        string first = await SequenceAsync(7);
        string again = await SequenceAsync(7);
        string other = await SequenceAsync(8);

        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
        Assert.That(first, Does.Contain("T").And.Contain("."));
    }

    [Test]
    public async Task An_error_ack_with_a_chosen_id_arrives_at_fragment_k()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { ErrorAckId = 5000, ErrorAckAtFragment = 2 } });
        List<Ack> acks = await UploadAsync(kvs, MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.Cluster(T0 + 2000), MkvSample.Cluster(T0 + 4000));

        Assert.That(acks[^1], Is.EqualTo(acks[^1] with { EventType = "ERROR", ErrorId = 5000, ErrorCode = "INTERNAL_ERROR", Timecode = T0 + 2000 }));
        Assert.That(acks.Count(a => a.EventType == "PERSISTED"), Is.EqualTo(1));
    }

    [Test]
    public async Task Dropping_after_n_bytes_with_reset_ends_without_the_last_chunk()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { DropPutMediaAfterBytes = 400, DropMode = FaultDropMode.Reset } });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));
        await upload.AcksUntilEndAsync();

        Assert.That(upload.Connection.SawLastChunk, Is.False);
        Assert.That(upload.Connection.ResetByPeer, Is.True);
    }

    [Test]
    public async Task Dropping_after_n_bytes_with_close_ends_with_a_fin_not_a_reset()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { DropPutMediaAfterBytes = 400, DropMode = FaultDropMode.Close } });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));
        await upload.AcksUntilEndAsync();

        Assert.That(upload.Connection.SawLastChunk, Is.False);
        Assert.That(upload.Connection.ResetByPeer, Is.False);
    }

    [Test]
    public async Task Dropping_after_a_duration_ends_the_session()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { IdleAckInterval = TimeSpan.FromMilliseconds(50), Faults = new LocalKvsFaults { DropPutMediaAfter = TimeSpan.FromMilliseconds(300) } });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s");
        var clock = Stopwatch.StartNew();

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));
        await upload.AcksUntilEndAsync();

        Assert.That(upload.Connection.SawLastChunk, Is.False);
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(250)));
    }

    [Test]
    public async Task Stopped_acks_never_arrive_while_the_upload_goes_on()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { StopAcks = true } });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.Cluster(T0 + 2000));

        Assert.That(async () => await upload.NextAckAsync(TimeSpan.FromMilliseconds(500)), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Delayed_acks_arrive_no_sooner_than_the_delay()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { AckDelay = TimeSpan.FromMilliseconds(300) } });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s");
        var clock = Stopwatch.StartNew();

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));
        Ack? first = await upload.NextAckAsync();

        Assert.That(first!.EventType, Is.EqualTo("BUFFERING"));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)));
    }

    [Test]
    public async Task A_bandwidth_limit_slows_the_upload_down()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { BandwidthLimit = 20_000 } });
        var clock = Stopwatch.StartNew();

        await UploadAsync(kvs, MkvSample.Header(), MkvSample.BigCluster(T0, 10_000));

        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(450)));
    }

    [Test]
    public async Task Refused_connections_fail_until_the_period_is_over()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Faults = new LocalKvsFaults { RefuseConnectionsFor = TimeSpan.FromMilliseconds(400) } });
        using var refused = new KvsApi(kvs.Url);

        Assert.That(async () => await refused.CallAsync("listStreams", "{}"), Throws.InstanceOf<HttpRequestException>());
        await Task.Delay(500);
        using var later = new KvsApi(kvs.Url);
        Assert.That((await later.CallAsync("listStreams", "{}")).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task The_admin_endpoint_sets_and_shows_faults_at_run_time()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        using var http = new HttpClient { BaseAddress = kvs.Url };

        using var content = new StringContent("""{"ThrottleRate":1,"Seed":3}""", new MediaTypeHeaderValue("application/json"));
        using HttpResponseMessage set = await http.PostAsync("/_admin/faults", content);
        string shown = await http.GetStringAsync("/_admin/faults");
        using var api = new KvsApi(kvs.Url);
        ApiResult throttled = await api.CallAsync("listStreams", "{}");

        Assert.That((int)set.StatusCode, Is.EqualTo(200));
        Assert.That(shown, Does.Contain("\"ThrottleRate\":1").And.Contain("\"Seed\":3"));
        Assert.That(throttled.ErrorType, Does.StartWith("ClientLimitExceededException"));
        Assert.That(kvs.Faults.ThrottleRate, Is.EqualTo(1));
    }

    [Test]
    public async Task The_admin_endpoint_rejects_an_invalid_fault_with_a_message()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        using var http = new HttpClient { BaseAddress = kvs.Url };

        using var content = new StringContent("""{"ThrottleRate":3}""", new MediaTypeHeaderValue("application/json"));
        using HttpResponseMessage response = await http.PostAsync("/_admin/faults", content);

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("ThrottleRate"));
    }

    private static async Task<List<Ack>> UploadAsync(LocalKvs kvs, params byte[][] body)
    {
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s");
        await upload.SendAsync(body);
        await upload.EndAsync();
        return await upload.AcksUntilEndAsync();
    }
}
