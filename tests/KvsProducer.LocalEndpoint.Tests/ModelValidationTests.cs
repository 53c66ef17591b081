using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>
/// Issue 10 §1: inputs are checked against the service models' constraints (botocore
/// kinesisvideo / kinesis-video-media / kinesis-video-archived-media 2017-09-30) and answered with
/// the modeled exception and a message a person can act on — never a .NET type name.
/// </summary>
[TestFixture]
public sealed class ModelValidationTests
{
    private LocalKvs _kvs = null!;
    private KvsApi _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _kvs = await LocalKvs.StartAsync(LocalKvsOptions.Default);
        _api = new KvsApi(_kvs.Url);
        await _api.CreateStreamAsync("v");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _api.Dispose();
        await _kvs.DisposeAsync();
    }

    [TestCase("getMedia", """{"StreamName":"v","StartSelector":{"StartSelectorType":"FRAGMENT_NUMBER","AfterFragmentNumber":"abc"}}""", "AfterFragmentNumber")]
    [TestCase("getMedia", """{"StreamName":"v","StartSelector":{"StartSelectorType":"CONTINUATION_TOKEN","ContinuationToken":"a b"}}""", "ContinuationToken")]
    [TestCase("getMediaForFragmentList", """{"StreamName":"v","Fragments":["12x"]}""", "Fragments.member")]
    [TestCase("listStreams", """{"MaxResults":1099511627776}""", "MaxResults")]
    [TestCase("listFragments", """{"StreamName":"v","MaxResults":1099511627776}""", "MaxResults")]
    [TestCase("listFragments", """{"StreamName":"v","NextToken":"not base64!"}""", "NextToken")]
    [TestCase("tagStream", """{"StreamName":"v","Tags":{"bad#key":"x"}}""", "TagKey")]
    [TestCase("tagStream", """{"StreamName":"v","Tags":{"k":"bad|value"}}""", "Tags.k")]
    [TestCase("untagStream", """{"StreamName":"v","TagKeyList":["bad#key"]}""", "TagKey")]
    [TestCase("createStream", """{"StreamName":"v2","DataRetentionInHours":"many"}""", "DataRetentionInHours")]
    [TestCase("TagResource", """{"ResourceARN":"arn:aws:kinesisvideo:us-west-2:123456789012:stream/v/1","Tags":[]}""", "Tags")]
    public async Task A_value_breaking_the_model_is_InvalidArgument_naming_the_field(string operation, string body, string field)
    {
        ApiResult result = await _api.CallAsync(operation, body);

        Assert.That(result.Status, Is.EqualTo(400), result.ToString());
        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException:"));
        Assert.That(result.Message, Does.Contain(field).And.Not.Contain("System."));
    }

    [Test]
    public async Task A_body_that_is_not_json_is_a_SerializationException_with_a_human_message()
    {
        ApiResult result = await _api.CallAsync("describeStream", "{not json");

        Assert.That(result.ErrorType, Does.StartWith("SerializationException:"));
        Assert.That(result.Message, Does.Contain("not a valid JSON object").And.Not.Contain("System."));
    }

    [TestCase("createSignalingChannel", """{"ChannelName":"c"}""", "AccessDeniedException", 401)]
    [TestCase("describeSignalingChannel", """{"ChannelName":"c"}""", "ResourceNotFoundException", 404)]
    [TestCase("describeEdgeConfiguration", """{"StreamName":"v"}""", "StreamEdgeConfigurationNotFoundException", 404)]
    [TestCase("startEdgeConfigurationUpdate", """{"StreamName":"v","EdgeConfig":{"HubDeviceArn":"arn:aws:iot:us-west-2:1:thing/h"}}""", "AccessDeniedException", 401)]
    [TestCase("updateNotificationConfiguration", """{"StreamName":"v","NotificationConfiguration":{"Status":"ENABLED","DestinationConfig":{"Uri":"arn:aws:sns:us-west-2:1:t"}}}""", "AccessDeniedException", 401)]
    [TestCase("updateMediaStorageConfiguration", """{"ChannelARN":"arn:aws:kinesisvideo:us-west-2:1:channel/c/1","MediaStorageConfiguration":{"Status":"ENABLED"}}""", "ResourceNotFoundException", 404)]
    public async Task An_unsupported_feature_answers_the_modeled_error_with_a_message(string operation, string body, string error, int status)
    {
        ApiResult result = await _api.CallAsync(operation, body);

        Assert.That(result.Status, Is.EqualTo(status), result.ToString());
        Assert.That(result.ErrorType, Does.StartWith(error + ":"));
        Assert.That(result.Message, Does.Contain("kvs local"));
    }

    [Test]
    public async Task A_path_no_model_has_is_still_UnknownOperation()
    {
        ApiResult result = await _api.CallAsync("describeStreamz", "{}");

        Assert.That(result.Status, Is.EqualTo(404));
        Assert.That(result.ErrorType, Does.StartWith("UnknownOperationException:"));
    }
}
