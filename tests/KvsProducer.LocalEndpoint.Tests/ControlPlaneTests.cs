using System.Text.Json;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>kvs-protocol.md §2: every control-plane operation, success and error shapes.</summary>
[TestFixture]
public sealed class ControlPlaneTests
{
    private LocalKvs _kvs = null!;
    private KvsApi _api = null!;

    [SetUp]
    public async Task Start()
    {
        _kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        _api = new KvsApi(_kvs.Url);
    }

    [TearDown]
    public async Task Stop()
    {
        _api.Dispose();
        await _kvs.DisposeAsync();
    }

    [Test]
    public async Task CreateStream_returns_an_arn_with_region_account_name_and_creation_digits()
    {
        ApiResult result = await _api.CallAsync("createStream", """{"DeviceName":"dev","StreamName":"front-door","MediaType":"video/h264","DataRetentionInHours":2}""");

        Assert.That(result.Status, Is.EqualTo(200));
        Assert.That(result.RequestId, Is.Not.Empty);
        Assert.That(result.Body.GetProperty("StreamARN").GetString(), Does.Match(@"^arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door/\d{13}$"));
    }

    [Test]
    public async Task DescribeStream_returns_what_CreateStream_stored()
    {
        string arn = await _api.CreateStreamAsync("cam1", retentionHours: 5);

        JsonElement info = await _api.DescribeAsync("cam1");

        Assert.That(info.GetProperty("StreamName").GetString(), Is.EqualTo("cam1"));
        Assert.That(info.GetProperty("StreamARN").GetString(), Is.EqualTo(arn));
        Assert.That(info.GetProperty("DeviceName").GetString(), Is.EqualTo("dev"));
        Assert.That(info.GetProperty("MediaType").GetString(), Is.EqualTo("video/h264"));
        Assert.That(info.GetProperty("Status").GetString(), Is.EqualTo("ACTIVE"));
        Assert.That(info.GetProperty("DataRetentionInHours").GetInt32(), Is.EqualTo(5));
        Assert.That(info.GetProperty("Version").GetString(), Does.Match("^[a-zA-Z0-9]{1,64}$"));
        Assert.That(info.GetProperty("CreationTime").ValueKind, Is.EqualTo(JsonValueKind.Number));
    }

    [Test]
    public async Task DescribeStream_by_arn_finds_the_stream()
    {
        string arn = await _api.CreateStreamAsync("by-arn");

        ApiResult result = await _api.CallAsync("describeStream", $$"""{"StreamARN":"{{arn}}"}""");

        Assert.That(result.Body.GetProperty("StreamInfo").GetProperty("StreamName").GetString(), Is.EqualTo("by-arn"));
    }

    [Test]
    public async Task DescribeStream_of_an_unknown_stream_is_404_ResourceNotFound_with_the_service_message()
    {
        ApiResult result = await _api.CallAsync("describeStream", """{"StreamName":"nope"}""");

        Assert.That(result.Status, Is.EqualTo(404));
        Assert.That(result.ErrorType, Does.StartWith("ResourceNotFoundException:"));
        Assert.That(result.RequestId, Is.Not.Empty);
        Assert.That(result.Message, Is.EqualTo("The requested stream is not found or not active."));
    }

    [Test]
    public async Task CreateStream_with_a_bad_name_is_400_InvalidArgument_naming_the_character()
    {
        ApiResult result = await _api.CallAsync("createStream", """{"StreamName":"front door"}""");

        Assert.That(result.Status, Is.EqualTo(400));
        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
        Assert.That(result.Message, Does.Contain("StreamName").And.Contain("' '"));
    }

    [Test]
    public async Task CreateStream_with_a_257_character_name_is_rejected()
    {
        ApiResult result = await _api.CallAsync("createStream", $$"""{"StreamName":"{{new string('a', 257)}}"}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
        Assert.That(result.Message, Does.Contain("between 1 and 256"));
    }

    [Test]
    public async Task CreateStream_without_a_name_is_rejected()
    {
        ApiResult result = await _api.CallAsync("createStream", """{"DeviceName":"d"}""");

        Assert.That(result.Status, Is.EqualTo(400));
        Assert.That(result.Message, Does.Contain("StreamName"));
    }

    [Test]
    public async Task CreateStream_with_a_bad_media_type_is_rejected()
    {
        ApiResult result = await _api.CallAsync("createStream", """{"StreamName":"s","MediaType":"h264"}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
        Assert.That(result.Message, Does.Contain("MediaType"));
    }

    [Test]
    public async Task CreateStream_with_negative_retention_is_rejected()
    {
        ApiResult result = await _api.CallAsync("createStream", """{"StreamName":"s","DataRetentionInHours":-1}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
    }

    [Test]
    public async Task CreateStream_twice_is_ResourceInUse()
    {
        await _api.CreateStreamAsync("twice");

        ApiResult result = await _api.CallAsync("createStream", """{"StreamName":"twice"}""");

        Assert.That(result.Status, Is.EqualTo(400));
        Assert.That(result.ErrorType, Does.StartWith("ResourceInUseException"));
    }

    [Test]
    public async Task CreateStream_with_51_tags_is_TagsPerResourceExceededLimit()
    {
        string tags = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"k{i}\":\"v\""));

        ApiResult result = await _api.CallAsync("createStream", "{\"StreamName\":\"t\",\"Tags\":{" + tags + "}}");

        Assert.That(result.ErrorType, Does.StartWith("TagsPerResourceExceededLimitException"));
    }

    [Test]
    public async Task A_body_that_is_not_json_is_SerializationException()
    {
        ApiResult result = await _api.CallAsync("createStream", "{not json");

        Assert.That(result.Status, Is.EqualTo(400));
        Assert.That(result.ErrorType, Does.StartWith("SerializationException"));
    }

    [Test]
    public async Task GetDataEndpoint_answers_the_endpoint_own_url_for_every_api_name()
    {
        await _api.CreateStreamAsync("ep");
        foreach (string apiName in new[] { "PUT_MEDIA", "GET_MEDIA", "LIST_FRAGMENTS", "GET_MEDIA_FOR_FRAGMENT_LIST", "GET_HLS_STREAMING_SESSION_URL", "GET_DASH_STREAMING_SESSION_URL", "GET_CLIP", "GET_IMAGES" })
        {
            ApiResult result = await _api.CallAsync("getDataEndpoint", $$"""{"StreamName":"ep","APIName":"{{apiName}}"}""");

            Assert.That(result.Body.GetProperty("DataEndpoint").GetString(), Is.EqualTo(_kvs.Url.ToString().TrimEnd('/')), apiName);
        }
    }

    [Test]
    public async Task GetDataEndpoint_with_an_unknown_api_name_is_rejected()
    {
        await _api.CreateStreamAsync("ep2");

        ApiResult result = await _api.CallAsync("getDataEndpoint", """{"StreamName":"ep2","APIName":"PUT_STUFF"}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
        Assert.That(result.Message, Does.Contain("APIName"));
    }

    [Test]
    public async Task GetDataEndpoint_without_stream_name_or_arn_is_rejected()
    {
        ApiResult result = await _api.CallAsync("getDataEndpoint", """{"APIName":"PUT_MEDIA"}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
    }

    [Test]
    public async Task ListStreams_pages_in_name_order_with_NextToken()
    {
        foreach (string name in new[] { "c", "a", "b" })
        {
            await _api.CreateStreamAsync(name);
        }

        ApiResult first = await _api.CallAsync("listStreams", """{"MaxResults":2}""");
        string token = first.Body.GetProperty("NextToken").GetString()!;
        ApiResult second = await _api.CallAsync("listStreams", $$"""{"MaxResults":2,"NextToken":"{{token}}"}""");

        Assert.That(first.Body.GetProperty("StreamInfoList").EnumerateArray().Select(s => s.GetProperty("StreamName").GetString()), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(second.Body.GetProperty("StreamInfoList").EnumerateArray().Select(s => s.GetProperty("StreamName").GetString()), Is.EqualTo(new[] { "c" }));
        Assert.That(second.Body.TryGetProperty("NextToken", out _), Is.False);
    }

    [Test]
    public async Task ListStreams_filters_by_name_prefix()
    {
        foreach (string name in new[] { "cam-1", "cam-2", "door" })
        {
            await _api.CreateStreamAsync(name);
        }

        ApiResult result = await _api.CallAsync("listStreams", """{"StreamNameCondition":{"ComparisonOperator":"BEGINS_WITH","ComparisonValue":"cam"}}""");

        Assert.That(result.Body.GetProperty("StreamInfoList").EnumerateArray().Select(s => s.GetProperty("StreamName").GetString()), Is.EqualTo(new[] { "cam-1", "cam-2" }));
    }

    [Test]
    public async Task ListStreams_rejects_MaxResults_over_10000()
    {
        ApiResult result = await _api.CallAsync("listStreams", """{"MaxResults":10001}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
    }

    [Test]
    public async Task DeleteStream_removes_the_stream()
    {
        string arn = await _api.CreateStreamAsync("gone");

        ApiResult deleted = await _api.CallAsync("deleteStream", $$"""{"StreamARN":"{{arn}}"}""");
        ApiResult described = await _api.CallAsync("describeStream", """{"StreamName":"gone"}""");

        Assert.That(deleted.Status, Is.EqualTo(200));
        Assert.That(deleted.Body.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(described.Status, Is.EqualTo(404));
    }

    [Test]
    public async Task DeleteStream_with_a_stale_version_is_VersionMismatch()
    {
        string arn = await _api.CreateStreamAsync("versioned");

        ApiResult result = await _api.CallAsync("deleteStream", $$"""{"StreamARN":"{{arn}}","CurrentVersion":"stale"}""");

        Assert.That(result.ErrorType, Does.StartWith("VersionMismatchException"));
    }

    [Test]
    public async Task DeleteStream_of_an_unknown_arn_is_404()
    {
        ApiResult result = await _api.CallAsync("deleteStream", """{"StreamARN":"arn:aws:kinesisvideo:us-west-2:123456789012:stream/none/1700000000000"}""");

        Assert.That(result.Status, Is.EqualTo(404));
    }

    [Test]
    public async Task TagStream_UntagStream_and_ListTagsForStream_manage_tags()
    {
        string arn = await _api.CreateStreamAsync("tagged");

        await _api.CallAsync("tagStream", $$$"""{"StreamARN":"{{{arn}}}","Tags":{"site":"lab","floor":"2"}}""");
        await _api.CallAsync("untagStream", """{"StreamName":"tagged","TagKeyList":["floor"]}""");
        ApiResult listed = await _api.CallAsync("listTagsForStream", """{"StreamName":"tagged"}""");

        Assert.That(listed.Body.GetProperty("Tags").EnumerateObject().Select(p => (p.Name, p.Value.GetString())), Is.EqualTo(new[] { ("site", "lab") }));
    }

    [Test]
    public async Task TagStream_beyond_50_tags_in_total_is_TagsPerResourceExceededLimit()
    {
        await _api.CreateStreamAsync("many");
        string first = string.Join(",", Enumerable.Range(0, 30).Select(i => $"\"a{i}\":\"v\""));
        string second = string.Join(",", Enumerable.Range(0, 30).Select(i => $"\"b{i}\":\"v\""));
        await _api.CallAsync("tagStream", "{\"StreamName\":\"many\",\"Tags\":{" + first + "}}");

        ApiResult result = await _api.CallAsync("tagStream", "{\"StreamName\":\"many\",\"Tags\":{" + second + "}}");

        Assert.That(result.ErrorType, Does.StartWith("TagsPerResourceExceededLimitException"));
    }

    [Test]
    public async Task UntagStream_without_keys_is_rejected()
    {
        await _api.CreateStreamAsync("untag");

        ApiResult result = await _api.CallAsync("untagStream", """{"StreamName":"untag","TagKeyList":[]}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
    }

    [Test]
    public async Task UpdateDataRetention_increases_and_decreases_and_changes_the_version()
    {
        await _api.CreateStreamAsync("ret", retentionHours: 2);
        string v1 = (await _api.DescribeAsync("ret")).GetProperty("Version").GetString()!;

        await _api.CallAsync("updateDataRetention", $$"""{"StreamName":"ret","CurrentVersion":"{{v1}}","Operation":"INCREASE_DATA_RETENTION","DataRetentionChangeInHours":10}""");
        JsonElement after = await _api.DescribeAsync("ret");

        Assert.That(after.GetProperty("DataRetentionInHours").GetInt32(), Is.EqualTo(12));
        Assert.That(after.GetProperty("Version").GetString(), Is.Not.EqualTo(v1));
    }

    [Test]
    public async Task UpdateDataRetention_with_an_old_version_is_VersionMismatch()
    {
        await _api.CreateStreamAsync("ret2");

        ApiResult result = await _api.CallAsync("updateDataRetention", """{"StreamName":"ret2","CurrentVersion":"old","Operation":"DECREASE_DATA_RETENTION","DataRetentionChangeInHours":1}""");

        Assert.That(result.ErrorType, Does.StartWith("VersionMismatchException"));
    }

    [Test]
    public async Task UpdateDataRetention_below_zero_is_rejected()
    {
        await _api.CreateStreamAsync("ret3", retentionHours: 1);
        string version = (await _api.DescribeAsync("ret3")).GetProperty("Version").GetString()!;

        ApiResult result = await _api.CallAsync("updateDataRetention", $$"""{"StreamName":"ret3","CurrentVersion":"{{version}}","Operation":"DECREASE_DATA_RETENTION","DataRetentionChangeInHours":5}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
    }

    [Test]
    public async Task UpdateStream_changes_device_name_and_media_type()
    {
        await _api.CreateStreamAsync("upd");
        string version = (await _api.DescribeAsync("upd")).GetProperty("Version").GetString()!;

        ApiResult result = await _api.CallAsync("updateStream", $$"""{"StreamName":"upd","CurrentVersion":"{{version}}","DeviceName":"pi","MediaType":"video/h265"}""");
        JsonElement info = await _api.DescribeAsync("upd");

        Assert.That(result.Status, Is.EqualTo(200));
        Assert.That(info.GetProperty("DeviceName").GetString(), Is.EqualTo("pi"));
        Assert.That(info.GetProperty("MediaType").GetString(), Is.EqualTo("video/h265"));
    }

    [Test]
    public async Task UpdateStream_without_CurrentVersion_is_rejected()
    {
        await _api.CreateStreamAsync("upd2");

        ApiResult result = await _api.CallAsync("updateStream", """{"StreamName":"upd2","DeviceName":"pi"}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
        Assert.That(result.Message, Does.Contain("CurrentVersion"));
    }

    [Test]
    public async Task A_wrongly_cased_path_gets_the_coral_UnknownOperationException_body()
    {
        ApiResult result = await _api.CallAsync("DescribeStream", """{"StreamName":"x"}""");

        Assert.That(result.Status, Is.EqualTo(404));
        Assert.That(result.Body.GetProperty("Output").GetProperty("__type").GetString(), Is.EqualTo("com.amazon.coral.service#UnknownOperationException"));
    }

    [Test]
    public async Task A_stream_reports_CREATING_until_the_creation_delay_passed()
    {
        await using LocalKvs slow = await LocalKvs.StartAsync(new LocalKvsOptions { StreamCreationDelay = TimeSpan.FromMinutes(5) });
        using var api = new KvsApi(slow.Url);
        await api.CreateStreamAsync("slow");

        JsonElement info = await api.DescribeAsync("slow");

        Assert.That(info.GetProperty("Status").GetString(), Is.EqualTo("CREATING"));
    }
}
