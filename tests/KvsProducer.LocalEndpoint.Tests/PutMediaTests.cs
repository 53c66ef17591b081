using System.Numerics;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>kvs-protocol.md §3–4: PutMedia over HTTP/1.1 chunked, ACKs read while uploading.</summary>
[TestFixture]
public sealed class PutMediaTests
{
    private const long T0 = MkvSample.StartMs;
    private LocalKvs _kvs = null!;
    private KvsApi _api = null!;

    [SetUp]
    public async Task Start()
    {
        _kvs = await LocalKvs.StartAsync(new LocalKvsOptions { LoggerFactory = TestLog.Factory });
        _api = new KvsApi(_kvs.Url);
        await _api.CreateStreamAsync("cam");
    }

    [TearDown]
    public async Task Stop()
    {
        _api.Dispose();
        await _kvs.DisposeAsync();
    }

    [Test]
    public async Task Expect_100_continue_gets_100_then_200_chunked_before_any_body_byte()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");

        Assert.That(upload.Connection.SawContinue, Is.True);
        Assert.That(upload.Status, Is.EqualTo(200));
        Assert.That(upload.Connection.Chunked, Is.True);
        Assert.That(upload.Connection.Headers["x-amzn-RequestId"], Is.Not.Empty);
    }

    [Test]
    public async Task Buffering_arrives_while_the_fragment_is_still_being_uploaded()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));
        Ack? ack = await upload.NextAckAsync();

        Assert.That(ack, Is.EqualTo(ack! with { EventType = "BUFFERING", Timecode = T0 }));
        Assert.That(ack.Number, Does.Match("^[0-9]{47}$"));
    }

    [Test]
    public async Task A_fragment_is_received_then_persisted_when_the_next_cluster_starts()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");
        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));
        Ack buffering = (await upload.NextAckAsync())!;

        await upload.SendAsync(MkvSample.Cluster(T0 + 2000));
        List<Ack> acks = await upload.AcksUntilAsync(a => a.EventType == "PERSISTED");

        Assert.That(acks.Select(a => (a.EventType, a.Timecode)), Is.SupersetOf(new[] { ("RECEIVED", (long?)T0), ("PERSISTED", (long?)T0) }));
        Assert.That(acks.Where(a => a.Timecode == T0).Select(a => a.Number).Distinct(), Is.EqualTo(new[] { buffering.Number }));
    }

    [Test]
    public async Task A_complete_upload_acknowledges_every_fragment_in_order_and_ends_the_response()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.Cluster(T0 + 2000), MkvSample.Cluster(T0 + 4000), MkvSample.EndOfFragment());
        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();

        foreach (long t in new[] { T0, T0 + 2000, T0 + 4000 })
        {
            Assert.That(acks.Where(a => a.Timecode == t).Select(a => a.EventType), Is.EqualTo(new[] { "BUFFERING", "RECEIVED", "PERSISTED" }), $"fragment {t}");
        }
    }

    [Test]
    public async Task Fragment_numbers_are_47_digit_strings_that_increase()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.Cluster(T0 + 1000), MkvSample.Cluster(T0 + 2000));
        await upload.EndAsync();
        List<BigInteger> numbers = [.. (await upload.AcksUntilEndAsync()).Where(a => a.EventType == "BUFFERING").Select(a => BigInteger.Parse(a.Number!, System.Globalization.CultureInfo.InvariantCulture))];

        Assert.That(numbers, Has.Count.EqualTo(3));
        Assert.That(numbers, Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public async Task Each_ack_is_one_chunk_of_compact_json_with_the_captured_key_order()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");
        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));

        Ack ack = (await upload.NextAckAsync())!;

        Assert.That(ack.Raw, Is.EqualTo($"{{\"EventType\":\"BUFFERING\",\"FragmentTimecode\":{T0},\"FragmentNumber\":\"{ack.Number}\"}}\n"));
    }

    [Test]
    public async Task Retention_zero_streams_get_received_but_never_persisted()
    {
        await _api.CreateStreamAsync("live", retentionHours: 0);
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "live");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.Cluster(T0 + 2000));
        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks.Count(a => a.EventType == "RECEIVED"), Is.EqualTo(2));
        Assert.That(acks.Any(a => a.EventType == "PERSISTED"), Is.False);
    }

    [Test]
    public async Task Idle_acks_flow_while_no_data_arrives_and_the_session_closes_after_the_idle_limit()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { IdleAckInterval = TimeSpan.FromMilliseconds(100), IdleTimeout = TimeSpan.FromMilliseconds(700) });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("idle");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "idle");

        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks, Is.Not.Empty);
        Assert.That(acks.Select(a => a.Raw), Is.All.EqualTo("{\"EventType\":\"IDLE\"}\n"));
        Assert.That(await upload.Connection.ClosedByServerAsync(TimeSpan.FromSeconds(5)), Is.True);
    }

    [Test]
    public async Task A_client_trickling_single_bytes_is_served_to_the_end()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { IdleAckInterval = TimeSpan.FromMilliseconds(100), IdleTimeout = TimeSpan.FromSeconds(1) });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("slow");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "slow");
        byte[] body = MkvSample.Concat(MkvSample.Header(), MkvSample.Cluster(T0));

        await upload.SendAsync(body[..^40]);
        foreach (byte b in body[^40..])
        {
            await upload.SendAsync([b]);
            await Task.Delay(40); // 25 B/s, with IDLE ACKs flowing in between
        }

        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks.Where(a => a.EventType != "IDLE").Select(a => a.EventType), Is.EqualTo(new[] { "BUFFERING", "RECEIVED", "PERSISTED" }));
    }

    [Test]
    public async Task Unknown_stream_is_404_before_any_200()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "missing");

        Assert.That(upload.Status, Is.EqualTo(404));
        Assert.That(upload.Connection.Headers["x-amzn-ErrorType"], Does.StartWith("ResourceNotFoundException"));
    }

    [Test]
    public async Task Both_stream_name_and_arn_is_400()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam", h => h.Add(new("x-amzn-stream-arn", "arn:aws:kinesisvideo:us-west-2:123456789012:stream/cam/1")));

        Assert.That(upload.Status, Is.EqualTo(400));
        Assert.That(await upload.Connection.ReadBodyAsync(PutMediaUpload.Timeout), Does.Contain("exactly one"));
    }

    [Test]
    public async Task A_bad_timecode_type_is_400_naming_the_allowed_values()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam", h => Replace(h, "x-amzn-fragment-timecode-type", "SOMETIMES"));

        Assert.That(upload.Status, Is.EqualTo(400));
        Assert.That(await upload.Connection.ReadBodyAsync(PutMediaUpload.Timeout), Does.Contain("ABSOLUTE or RELATIVE"));
    }

    [Test]
    public async Task A_missing_producer_start_timestamp_is_400()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam", h => h.RemoveAll(p => p.Key == "x-amzn-producer-start-timestamp"));

        Assert.That(upload.Status, Is.EqualTo(400));
    }

    [Test]
    public async Task C_producer_quirks_are_accepted_host_without_port_unpadded_timestamp_json_content_type()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam", h =>
        {
            Replace(h, "host", "s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com");
            Replace(h, "x-amzn-producer-start-timestamp", "1795618345.43");
        });

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));

        Assert.That(upload.Status, Is.EqualTo(200));
        Assert.That((await upload.NextAckAsync())!.EventType, Is.EqualTo("BUFFERING"));
    }

    [Test]
    public async Task Tags_between_clusters_and_the_end_of_fragment_tag_are_accepted()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Tags(("motion", "true")), MkvSample.Cluster(T0), MkvSample.Tags(("person", "1")), MkvSample.EndOfFragment(), MkvSample.Cluster(T0 + 2000), MkvSample.EndOfFragment());
        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks.Count(a => a.EventType == "PERSISTED"), Is.EqualTo(2), string.Join(" ", acks));
    }

    [Test]
    public async Task A_new_ebml_header_inside_the_body_starts_a_new_segment_and_is_accepted()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.EndOfFragment(), MkvSample.Header(), MkvSample.Cluster(T0 + 2000));
        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks.Count(a => a.EventType == "PERSISTED"), Is.EqualTo(2), string.Join(" ", acks));
    }

    [Test]
    public async Task Nul_padded_strings_of_older_producers_are_accepted()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");

        await upload.SendAsync(MkvSample.Header(nulPadded: true), MkvSample.Cluster(T0));
        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks.Select(a => a.EventType), Is.EqualTo(new[] { "BUFFERING", "RECEIVED", "PERSISTED" }));
    }

    [Test]
    public async Task A_body_split_into_one_byte_chunks_gives_the_same_acks()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");
        byte[] body = MkvSample.Concat(MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.Cluster(T0 + 2000));

        foreach (byte b in body)
        {
            await upload.SendAsync([b]);
        }

        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks.Count(a => a.EventType == "PERSISTED"), Is.EqualTo(2));
    }

    [Test]
    public async Task Acknowledgment_required_zero_suppresses_persisted()
    {
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam", h => Replace(h, "x-amzn-fragment-acknowledgment-required", "0"));

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));
        await upload.EndAsync();
        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks.Select(a => a.EventType), Is.EqualTo(new[] { "BUFFERING", "RECEIVED" }));
    }

    internal static void Replace(List<KeyValuePair<string, string>> headers, string name, string value)
    {
        int i = headers.FindIndex(p => p.Key == name);
        headers[i] = new(name, value);
    }
}
