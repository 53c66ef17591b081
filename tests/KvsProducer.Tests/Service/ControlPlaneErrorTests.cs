using KvsProducer.Auth;
using KvsProducer.Service;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Service;

/// <summary>How refusals in the forms the service (and things in front of it) send become typed errors (kvs-protocol.md §2.1, §2.3).</summary>
public sealed class ControlPlaneErrorTests
{
    private FakeTimeProvider _time = null!;
    private ControlPlaneTestServer _server = null!;
    private ControlPlaneClient _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider(ControlPlaneClientTests.Start);
        _server = await ControlPlaneTestServer.StartAsync(() => _time.GetUtcNow());
        _client = ControlPlaneClientTests.CreateClient(_server, _time, new ControlPlaneClientTests.StaticCredentials(new KvsCredentials(ControlPlaneTestServer.AccessKey, ControlPlaneTestServer.Secret)));
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public void Without_an_error_type_header_the_Coral_body_type_is_used()
    {
        // kvs-protocol.md §2.1: a wrongly cased path was answered with this Coral body.
        _server.SetDefault("/describeStream", new ControlPlaneCannedResponse(404, """{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}"""));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => _client.DescribeStreamAsync("front-door", CancellationToken.None))!;

        Assert.That(error.ErrorType, Is.EqualTo("UnknownOperationException"));
        Assert.That(error.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public void A_lower_case_message_field_is_read_too()
    {
        _server.SetDefault("/tagStream", new ControlPlaneCannedResponse(400, """{"message":"Too many tags"}""", "TagsPerResourceExceededLimitException"));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => _client.TagStreamAsync("front-door", new Dictionary<string, string> { ["a"] = "b" }, CancellationToken.None))!;

        Assert.That(error.ServiceMessage, Is.EqualTo("Too many tags"));
        Assert.That(error.Advice, Does.Contain("at most 50 tags"));
    }

    [Test]
    public void A_proxy_error_page_becomes_a_retriable_error_quoting_the_page()
    {
        _server.SetDefault("/getDataEndpoint", new ControlPlaneCannedResponse(502, "<html><body>502 Bad Gateway</body></html>"));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => ControlPlaneClientTests.CompleteAsync(_client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None), _time))!;

        Assert.That(error.StatusCode, Is.EqualTo(502));
        Assert.That(error.IsRetriable, Is.True);
        Assert.That(error.ServiceMessage, Does.Contain("502 Bad Gateway"));
        Assert.That(_server.Requests, Has.Count.EqualTo(ControlPlaneClientTests.TestRetry.MaxAttempts));
    }

    [Test]
    public void Throttling_that_outlasts_the_retries_says_it_was_throttled()
    {
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Error(400, "ClientLimitExceededException", "Rate exceeded for stream front-door"));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => ControlPlaneClientTests.CompleteAsync(_client.DescribeStreamAsync("front-door", CancellationToken.None), _time))!;

        Assert.That(error.IsThrottling, Is.True);
        Assert.That(error.Advice, Does.Contain("throttled"));
    }

    [Test]
    public void ResourceInUse_advises_waiting_for_ACTIVE_and_is_not_retried()
    {
        _server.SetDefault("/createStream", ControlPlaneCannedResponse.Error(400, "ResourceInUseException", "The stream front-door already exists."));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => _client.CreateStreamAsync(new CreateStreamRequest { StreamName = "front-door" }, CancellationToken.None))!;

        Assert.That(error.Advice, Does.Contain("ACTIVE"));
        Assert.That(_server.Requests, Has.Count.EqualTo(1));
    }
}
