using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>kvs-protocol.md §4.4, §9.7: each ERROR id triggered by a crafted stream, then the connection closes.</summary>
[TestFixture]
public sealed class PutMediaErrorTests
{
    private const long T0 = MkvSample.StartMs;

    [Test]
    public async Task A_fragment_over_the_size_limit_is_4001()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions { MaxFragmentSize = 10_000 }, MkvSample.Header(), MkvSample.BigCluster(T0, 20_000));

        Assert.That((error.ErrorId, error.ErrorCode, error.Timecode), Is.EqualTo((4001, "MAX_FRAGMENT_SIZE_REACHED", (long?)T0)));
        Assert.That(error.Number, Does.Match("^[0-9]{47}$"));
    }

    [Test]
    public async Task A_fragment_spanning_more_than_10_seconds_is_4002()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(), MkvSample.Cluster(T0, (1, 0), (1, 10_001)));

        Assert.That((error.ErrorId, error.ErrorCode), Is.EqualTo((4002, "MAX_FRAGMENT_DURATION_REACHED")));
    }

    [Test]
    public async Task A_connection_older_than_the_limit_is_4003()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { MaxConnectionDuration = TimeSpan.FromMilliseconds(300), IdleAckInterval = TimeSpan.FromMilliseconds(50) });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s");
        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));

        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks[^1].ErrorId, Is.EqualTo(4003), string.Join(" ", acks));
        Assert.That(acks[^1].ErrorCode, Is.EqualTo("MAX_CONNECTION_DURATION_REACHED"));
    }

    [Test]
    public async Task A_cluster_timecode_not_above_the_previous_is_4004()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(), MkvSample.Cluster(T0 + 2000), MkvSample.Cluster(T0));

        Assert.That((error.ErrorId, error.ErrorCode, error.Timecode), Is.EqualTo((4004, "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS", (long?)T0)));
    }

    [Test]
    public async Task A_fragment_starting_before_the_previous_fragment_last_frame_is_4004()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(), MkvSample.Cluster(T0, (1, 0), (1, 1500)), MkvSample.Cluster(T0 + 1000, (1, 0)));

        Assert.That(error.ErrorId, Is.EqualTo(4004));
    }

    [Test]
    public async Task Bytes_that_are_not_mkv_are_4006_without_a_fragment()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), "hello, this is not matroska"u8.ToArray());

        Assert.That(error.Raw, Is.EqualTo("{\"EventType\":\"ERROR\",\"FragmentTimecode\":-1,\"FragmentNumber\":\"\",\"ErrorCode\":\"INVALID_MKV_DATA\",\"ErrorId\":4006}\n"));
    }

    [Test]
    public async Task A_doctype_other_than_matroska_is_4006()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(docType: "avi"), MkvSample.Cluster(T0));

        Assert.That(error.ErrorId, Is.EqualTo(4006));
    }

    [Test]
    public async Task A_child_element_larger_than_its_parent_is_4006()
    {
        var lying = new EbmlWriter().Id(0x1A45DFA3).Size(4).Id(0x4282).Size(1_000_000).ToArray();

        Ack error = await ErrorAfter(new LocalKvsOptions(), lying);

        Assert.That(error.ErrorId, Is.EqualTo(4006));
    }

    [Test]
    public async Task A_cluster_before_tracks_is_4006()
    {
        byte[] header = MkvSample.Header();
        byte[] ebmlAndSegment = header[..(40 + 5)];

        Ack error = await ErrorAfter(new LocalKvsOptions(), ebmlAndSegment, MkvSample.Cluster(T0));

        Assert.That(error.ErrorId, Is.EqualTo(4006));
    }

    [Test]
    public async Task A_body_ending_inside_an_element_is_4006()
    {
        byte[] cluster = MkvSample.Cluster(T0);

        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(), cluster[..^10]);

        Assert.That(error.ErrorId, Is.EqualTo(4006));
    }

    [Test]
    public async Task A_producer_timestamp_in_the_future_is_4007()
    {
        long future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();

        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(), MkvSample.Cluster(future));

        Assert.That((error.ErrorId, error.ErrorCode), Is.EqualTo((4007, "INVALID_PRODUCER_TIMESTAMP")));
    }

    [Test]
    public async Task A_relative_timecode_is_added_to_the_producer_start_timestamp_before_the_future_check()
    {
        string soon = (DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeMilliseconds() / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

        Ack error = await ErrorAfter(new LocalKvsOptions(), h =>
        {
            PutMediaTests.Replace(h, "x-amzn-fragment-timecode-type", "RELATIVE");
            PutMediaTests.Replace(h, "x-amzn-producer-start-timestamp", soon);
        }, MkvSample.Header(), MkvSample.Cluster(0));

        Assert.That(error.ErrorId, Is.EqualTo(4007));
    }

    [Test]
    public async Task A_stream_still_creating_is_4008()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions { StreamCreationDelay = TimeSpan.FromMinutes(5) }, MkvSample.Header(), MkvSample.Cluster(T0));

        Assert.That((error.ErrorId, error.ErrorCode), Is.EqualTo((4008, "STREAM_NOT_ACTIVE")));
    }

    [Test]
    public async Task Eleven_metadata_items_for_one_fragment_are_4009()
    {
        (string, string)[] tags = [.. Enumerable.Range(0, 11).Select(i => ($"k{i}", "v"))];

        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(), MkvSample.Tags(tags), MkvSample.Cluster(T0));

        Assert.That(error.ErrorId, Is.EqualTo(4009));
    }

    [Test]
    public async Task A_metadata_value_over_256_bytes_is_4009()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(), MkvSample.Tags(("k", new string('v', 257))), MkvSample.Cluster(T0));

        Assert.That(error.ErrorId, Is.EqualTo(4009));
    }

    [Test]
    public async Task A_metadata_name_with_the_reserved_AWS_prefix_is_4009()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(), MkvSample.Tags(("AWS_MINE", "x")), MkvSample.Cluster(T0));

        Assert.That(error.ErrorId, Is.EqualTo(4009));
    }

    [Test]
    public async Task A_frame_of_an_undeclared_track_is_4010()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(tracks: 1), MkvSample.Cluster(T0, (1, 0), (2, 10)));

        Assert.That(error.ErrorId, Is.EqualTo(4010));
        Assert.That(error.Timecode, Is.EqualTo(T0));
    }

    [Test]
    public async Task A_fragment_without_frames_of_a_declared_track_is_4011()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(tracks: 2), MkvSample.Cluster(T0, (1, 0), (1, 33)), MkvSample.Cluster(T0 + 2000, (1, 0), (2, 5)));

        Assert.That((error.ErrorId, error.Timecode), Is.EqualTo((4011, (long?)T0)));
    }

    [Test]
    public async Task Four_tracks_are_4012()
    {
        Ack error = await ErrorAfter(new LocalKvsOptions(), MkvSample.Header(tracks: 4), MkvSample.Cluster(T0));

        Assert.That(error.ErrorId, Is.EqualTo(4012));
    }

    [Test]
    public async Task Deleting_the_stream_during_a_session_ends_it_with_4507()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { IdleAckInterval = TimeSpan.FromMilliseconds(50) });
        using var api = new KvsApi(kvs.Url);
        string arn = await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s");
        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));
        await upload.NextAckAsync();

        await api.CallAsync("deleteStream", $$"""{"StreamARN":"{{arn}}"}""");
        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks[^1].ErrorId, Is.EqualTo(4507), string.Join(" ", acks));
    }

    [Test]
    public async Task Fragments_received_before_an_error_are_still_persisted()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s");

        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0), MkvSample.Cluster(T0 - 5000));
        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks.Select(a => a.EventType), Is.EqualTo(new[] { "BUFFERING", "RECEIVED", "PERSISTED", "ERROR" }));
    }

    private static Task<Ack> ErrorAfter(LocalKvsOptions options, params byte[][] body) => ErrorAfter(options, null, body);

    /// <summary>Uploads <paramref name="body"/>, expects the ACK stream to end with one ERROR and the server to close.</summary>
    private static async Task<Ack> ErrorAfter(LocalKvsOptions options, Action<List<KeyValuePair<string, string>>>? headers, params byte[][] body)
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(options);
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "s", headers);

        await upload.SendAsync(body);
        try
        {
            await upload.EndAsync();
        }
        catch (IOException)
        {
            // The endpoint may already have closed after its ERROR ACK.
        }

        List<Ack> acks = await upload.AcksUntilEndAsync();

        Assert.That(acks, Is.Not.Empty);
        Assert.That(acks[^1].EventType, Is.EqualTo("ERROR"), string.Join(" ", acks));
        Assert.That(acks.Count(a => a.EventType == "ERROR"), Is.EqualTo(1));
        return acks[^1];
    }
}
