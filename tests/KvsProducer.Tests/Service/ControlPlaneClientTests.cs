using System.Text.Json;
using KvsProducer.Auth;
using KvsProducer.Service;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Service;

/// <summary>
/// The control-plane client against a Kestrel stand-in on 127.0.0.1 that verifies every signature
/// independently and answers with the service's real headers (kvs-protocol.md §2).
/// </summary>
public sealed class ControlPlaneClientTests
{
    internal static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    internal static readonly RetryPolicyOptions TestRetry = new() { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(4), MaxAttempts = 4 };

    private const string StreamInfoJson =
        """{"StreamInfo":{"DeviceName":"porch-pi","StreamName":"front-door","StreamARN":"arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door/1700000000000","MediaType":"video/h264","Version":"abc123","Status":"ACTIVE","CreationTime":1700000000.5,"DataRetentionInHours":24}}""";

    private FakeTimeProvider _time = null!;
    private ControlPlaneTestServer _server = null!;
    private ControlPlaneClient _client = null!;
    private StaticCredentials _credentials = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _server = await ControlPlaneTestServer.StartAsync(() => _time.GetUtcNow());
        _credentials = new StaticCredentials(new KvsCredentials(ControlPlaneTestServer.AccessKey, ControlPlaneTestServer.Secret));
        _client = CreateClient(_server, _time, _credentials);
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    internal static ControlPlaneClient CreateClient(ControlPlaneTestServer server, FakeTimeProvider time, ICredentialsProvider credentials, TimeSpan? requestTimeout = null) =>
        new(
            new ControlPlaneClientOptions
            {
                Region = ControlPlaneTestServer.Region,
                ServiceUrl = server.Url,
                Retry = TestRetry,
                RequestTimeout = requestTimeout ?? TimeSpan.FromHours(1),
            },
            credentials,
            time,
            random: new Random(7));

    /// <summary>Awaits <paramref name="task"/>, moving fake time on by the largest backoff step while it waits.</summary>
    internal static async Task<T> CompleteAsync<T>(Task<T> task, FakeTimeProvider time)
    {
        for (var i = 0; i < 500 && !task.IsCompleted; i++)
        {
            await Task.WhenAny(task, Task.Delay(20));
            if (!task.IsCompleted)
            {
                time.Advance(TestRetry.MaxDelay);
            }
        }

        return await task;
    }

    internal static async Task CompleteAsync(Task task, FakeTimeProvider time) =>
        await CompleteAsync(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default), time);

    [Test]
    public async Task DescribeStream_returns_the_stream_and_its_signature_verifies_independently()
    {
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Ok(StreamInfoJson));

        var stream = await _client.DescribeStreamAsync("front-door", CancellationToken.None);

        Assert.That(stream.StreamName, Is.EqualTo("front-door"));
        Assert.That(stream.StreamArn, Is.EqualTo("arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door/1700000000000"));
        Assert.That(stream.IsActive, Is.True);
        Assert.That(stream.DataRetentionInHours, Is.EqualTo(24));
        Assert.That(stream.CreationTime, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000000500)));
        var request = _server.Requests.Single();
        Assert.That(request.SignatureError, Is.Null);
        Assert.That(request.Body, Is.EqualTo("""{"StreamName":"front-door"}"""));
    }

    [Test]
    public async Task Control_plane_calls_sign_host_user_agent_and_date_like_the_C_producer()
    {
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Ok(StreamInfoJson));

        await _client.DescribeStreamAsync("front-door", CancellationToken.None);

        var headers = _server.Requests.Single().Headers;
        Assert.That(headers["authorization"].Single(), Does.Contain("SignedHeaders=host;user-agent;x-amz-date,"));
        Assert.That(headers["content-type"].Single(), Is.EqualTo("application/json"));
        Assert.That(headers["x-amz-date"].Single(), Is.EqualTo("20261125T120000Z"));
    }

    [Test]
    public async Task Session_token_travels_unsigned_in_x_amz_security_token()
    {
        _credentials.Current = _credentials.Current with { SessionToken = "FwoGZXIvYXdzEXAMPLETOKEN" };
        _server.ExpectedSessionToken = "FwoGZXIvYXdzEXAMPLETOKEN";
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Ok(StreamInfoJson));

        await _client.DescribeStreamAsync("front-door", CancellationToken.None);

        var request = _server.Requests.Single();
        Assert.That(request.SignatureError, Is.Null);
        Assert.That(request.Headers["authorization"].Single(), Does.Not.Contain("x-amz-security-token"));
    }

    [Test]
    public async Task A_stream_ARN_is_sent_as_StreamARN()
    {
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Ok(StreamInfoJson));

        await _client.DescribeStreamAsync("arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door/1700000000000", CancellationToken.None);

        Assert.That(_server.Requests.Single().Body, Is.EqualTo("""{"StreamARN":"arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door/1700000000000"}"""));
    }

    [Test]
    public void Missing_stream_throws_ResourceNotFound_with_status_request_id_message_and_advice()
    {
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Error(404, "ResourceNotFoundException", "The requested stream is not found or not active."));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => _client.DescribeStreamAsync("front-door", CancellationToken.None))!;

        Assert.That(error.ErrorType, Is.EqualTo("ResourceNotFoundException"));
        Assert.That(error.StatusCode, Is.EqualTo(404));
        Assert.That(error.RequestId, Is.EqualTo("req-0001"));
        Assert.That(error.ServiceMessage, Is.EqualTo("The requested stream is not found or not active."));
        Assert.That(error.Operation, Is.EqualTo("DescribeStream"));
        Assert.That(error.Advice, Does.Contain("CreateIfMissing"));
        Assert.That(error.IsRetriable, Is.False);
        Assert.That(error.Message, Does.Contain("req-0001").And.Contain("ResourceNotFoundException").And.Contain("not found or not active"));
    }

    [Test]
    public void NotAuthorized_names_the_missing_IAM_action()
    {
        _server.SetDefault("/getDataEndpoint", ControlPlaneCannedResponse.Error(403, "NotAuthorizedException", "User is not authorized to perform: kinesisvideo:GetDataEndpoint"));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => _client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None))!;

        Assert.That(error.Advice, Does.Contain("kinesisvideo:GetDataEndpoint"));
        Assert.That(error.StatusCode, Is.EqualTo(403));
    }

    [Test]
    public void Client_errors_are_not_retried()
    {
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Error(400, "InvalidArgumentException", "1 validation error detected"));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => _client.DescribeStreamAsync("front-door", CancellationToken.None))!;

        Assert.That(error.ErrorType, Is.EqualTo("InvalidArgumentException"));
        Assert.That(_server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task CreateStream_posts_the_stream_fields_and_returns_the_ARN()
    {
        _server.SetDefault("/createStream", ControlPlaneCannedResponse.Ok("""{"StreamARN":"arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door/1"}"""));

        var arn = await _client.CreateStreamAsync(
            new CreateStreamRequest { StreamName = "front-door", DeviceName = "porch-pi", MediaType = "video/h264", DataRetentionInHours = 24 },
            CancellationToken.None);

        Assert.That(arn, Is.EqualTo("arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door/1"));
        using var body = JsonDocument.Parse(_server.RequestsTo("/createStream").Single().Body);
        Assert.That(body.RootElement.GetProperty("StreamName").GetString(), Is.EqualTo("front-door"));
        Assert.That(body.RootElement.GetProperty("DeviceName").GetString(), Is.EqualTo("porch-pi"));
        Assert.That(body.RootElement.GetProperty("MediaType").GetString(), Is.EqualTo("video/h264"));
        Assert.That(body.RootElement.GetProperty("DataRetentionInHours").GetInt32(), Is.EqualTo(24));
        Assert.That(body.RootElement.TryGetProperty("KmsKeyId", out _), Is.False, "unset fields are left out");
    }

    [Test]
    public async Task TagStream_posts_the_tags_as_a_map()
    {
        _server.SetDefault("/tagStream", ControlPlaneCannedResponse.Ok("{}"));

        await _client.TagStreamAsync("front-door", new Dictionary<string, string> { ["site"] = "porch", ["owner"] = "ops" }, CancellationToken.None);

        Assert.That(_server.RequestsTo("/tagStream").Single().Body, Is.EqualTo("""{"StreamName":"front-door","Tags":{"site":"porch","owner":"ops"}}"""));
    }

    [TestCase(nameof(DataEndpointApi.PutMedia), "PUT_MEDIA")]
    [TestCase(nameof(DataEndpointApi.GetMedia), "GET_MEDIA")]
    [TestCase(nameof(DataEndpointApi.ListFragments), "LIST_FRAGMENTS")]
    [TestCase(nameof(DataEndpointApi.GetMediaForFragmentList), "GET_MEDIA_FOR_FRAGMENT_LIST")]
    public async Task GetDataEndpoint_asks_for_the_API_by_its_wire_name(string apiName, string wireName)
    {
        _server.SetDefault("/getDataEndpoint", ControlPlaneCannedResponse.Ok("""{"DataEndpoint":"https://s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com"}"""));

        var endpoint = await _client.GetDataEndpointAsync("front-door", Enum.Parse<DataEndpointApi>(apiName), CancellationToken.None);

        Assert.That(endpoint, Is.EqualTo(new Uri("https://s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com")));
        Assert.That(_server.Requests.Single().Body, Is.EqualTo($$"""{"StreamName":"front-door","APIName":"{{wireName}}"}"""));
    }

    [Test]
    public async Task Throttling_is_retried_until_the_call_succeeds()
    {
        _server.Enqueue("/describeStream", ControlPlaneCannedResponse.Error(400, "ClientLimitExceededException", "Rate exceeded"));
        _server.Enqueue("/describeStream", ControlPlaneCannedResponse.Error(400, "ClientLimitExceededException", "Rate exceeded"));
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Ok(StreamInfoJson));

        var stream = await CompleteAsync(_client.DescribeStreamAsync("front-door", CancellationToken.None), _time);

        Assert.That(stream.StreamName, Is.EqualTo("front-door"));
        Assert.That(_server.Requests, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task The_second_retry_waits_for_its_jittered_delay_on_the_time_provider()
    {
        _server.Enqueue("/describeStream", ControlPlaneCannedResponse.Error(500, "InternalFailure", "We encountered an internal error."));
        _server.Enqueue("/describeStream", ControlPlaneCannedResponse.Error(503, "ServiceUnavailable", "Service unavailable."));
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Ok(StreamInfoJson));
        // The same seed as the client's: the delay the client draws for its second retry.
        var expectedDelay = new RetryPolicy(TestRetry, _time, new Random(7)).GetDelay(2);
        Assert.That(expectedDelay, Is.GreaterThan(TimeSpan.FromMilliseconds(1)), "the seed must draw a delay this test can split");

        var call = _client.DescribeStreamAsync("front-door", CancellationToken.None);
        await WaitUntilAsync(() => _server.Requests.Count == 2);
        await Task.Delay(100);
        Assert.That(_server.Requests, Has.Count.EqualTo(2), "the first retry is immediate, the second waits");
        _time.Advance(expectedDelay - TimeSpan.FromMilliseconds(1));
        await Task.Delay(100);
        Assert.That(_server.Requests, Has.Count.EqualTo(2), "not before the drawn delay");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var stream = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.IsActive, Is.True);
        Assert.That(_server.Requests, Has.Count.EqualTo(3));
    }

    [Test]
    public void Server_errors_are_retried_until_the_attempts_are_spent()
    {
        _server.SetDefault("/getDataEndpoint", ControlPlaneCannedResponse.Error(500, "InternalFailure", "We encountered an internal error."));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => CompleteAsync(_client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None), _time))!;

        Assert.That(error.IsRetriable, Is.True);
        Assert.That(error.StatusCode, Is.EqualTo(500));
        Assert.That(_server.Requests, Has.Count.EqualTo(TestRetry.MaxAttempts));
    }

    [Test]
    public async Task A_call_that_gets_no_answer_times_out_and_is_retried()
    {
        using var client = CreateClient(_server, _time, _credentials, requestTimeout: TimeSpan.FromSeconds(10));
        var release = new TaskCompletionSource();
        _server.BeforeAnswer = request => _server.Requests.Count == 1 ? release.Task : Task.CompletedTask;
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Ok(StreamInfoJson));

        var call = client.DescribeStreamAsync("front-door", CancellationToken.None);
        await WaitUntilAsync(() => _server.Requests.Count == 1);
        _time.Advance(TimeSpan.FromSeconds(10));
        var stream = await call.WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();

        Assert.That(stream.IsActive, Is.True);
        Assert.That(_server.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public void Caller_cancellation_is_not_retried()
    {
        using var cancel = new CancellationTokenSource();
        _server.BeforeAnswer = _ =>
        {
            cancel.Cancel();
            return Task.Delay(200);
        };
        _server.SetDefault("/describeStream", ControlPlaneCannedResponse.Ok(StreamInfoJson));

        Assert.That(async () => await _client.DescribeStreamAsync("front-door", cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void Invalid_stream_name_is_refused_before_any_request()
    {
        Assert.That(
            () => _client.DescribeStreamAsync("front door", CancellationToken.None),
            Throws.ArgumentException.With.Message.Contains("Stream name 'front door' contains ' '"));
        Assert.That(_server.Requests, Is.Empty);
    }

    [Test]
    public void An_answer_that_is_not_the_service_JSON_says_so()
    {
        _server.SetDefault("/getDataEndpoint", ControlPlaneCannedResponse.Ok("<html>captive portal</html>"));

        Assert.That(
            () => _client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None),
            Throws.InstanceOf<KvsProducerException>().With.Message.Contains("not the expected JSON").And.Message.Contains("captive portal"));
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("The condition did not hold within 10 s.");
            }

            await Task.Delay(10);
        }
    }

    internal sealed class StaticCredentials(KvsCredentials credentials) : ICredentialsProvider
    {
        public KvsCredentials Current { get; set; } = credentials;

        public ValueTask<KvsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Current);
    }
}
