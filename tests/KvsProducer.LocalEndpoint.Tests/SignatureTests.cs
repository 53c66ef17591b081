using KvsProducer.LocalEndpoint.Internal.Auth;
using KvsProducer.LocalEndpoint.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>kvs-protocol.md §1.3, §9.3: SigV4 verification when the endpoint has credentials.</summary>
[TestFixture]
public sealed class SignatureTests
{
    // AWS SigV4 test suite, "get-vanilla": the published example key, request and signature.
    private const string ExampleAccessKey = "AKIDEXAMPLE";
    private const string ExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string GetVanillaSignature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    private const long T0 = MkvSample.StartMs;

    private LocalKvs _kvs = null!;
    private KvsApi _api = null!;

    [SetUp]
    public async Task Start()
    {
        _kvs = await LocalKvs.StartAsync(new LocalKvsOptions { AccessKey = ExampleAccessKey, SecretKey = ExampleSecret });
        _api = new KvsApi(_kvs.Url) { Sign = (request, body) => SignAsync(request, body, ExampleAccessKey, ExampleSecret, DateTime.UtcNow) };
    }

    [TearDown]
    public async Task Stop()
    {
        _api.Dispose();
        await _kvs.DisposeAsync();
    }

    [Test]
    public void The_endpoint_algorithm_reproduces_the_published_get_vanilla_signature()
    {
        var headers = new HeaderDictionary { ["Host"] = "example.amazonaws.com", ["X-Amz-Date"] = "20150830T123600Z" };

        string canonical = SignatureVerifier.CanonicalRequest("GET", "/", [], false, "host;x-amz-date", headers, SignatureVerifier.EmptyPayloadHash);
        string toSign = SignatureVerifier.StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical);

        Assert.That(SignatureVerifier.Sign(ExampleSecret, "20150830", "us-east-1", "service", toSign), Is.EqualTo(GetVanillaSignature));
    }

    [Test]
    public void The_test_signer_reproduces_the_published_get_vanilla_signature()
    {
        string authorization = TestSigV4.Authorization("GET", "/", [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")], TestSigV4.EmptyHash, ExampleAccessKey, ExampleSecret, "us-east-1", "service", new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc));

        Assert.That(authorization, Does.EndWith("Signature=" + GetVanillaSignature));
    }

    [Test]
    public async Task A_correctly_signed_control_plane_call_is_accepted()
    {
        ApiResult result = await _api.CallAsync("createStream", """{"StreamName":"signed","DataRetentionInHours":1}""");

        Assert.That(result.Status, Is.EqualTo(200), result.ToString());
    }

    [Test]
    public async Task An_unsigned_call_is_403_MissingAuthenticationToken()
    {
        using var unsigned = new KvsApi(_kvs.Url);

        ApiResult result = await unsigned.CallAsync("listStreams", "{}");

        Assert.That(result.Status, Is.EqualTo(403));
        Assert.That(result.ErrorType, Does.StartWith("MissingAuthenticationTokenException"));
    }

    [Test]
    public async Task A_wrong_secret_is_403_InvalidSignature_showing_the_expected_canonical_request()
    {
        _api.Sign = (request, body) => SignAsync(request, body, ExampleAccessKey, "not-the-secret", DateTime.UtcNow);

        ApiResult result = await _api.CallAsync("listStreams", "{}");

        Assert.That(result.Status, Is.EqualTo(403));
        Assert.That(result.ErrorType, Does.StartWith("InvalidSignatureException"));
        Assert.That(result.Message, Does.Contain("Canonical String").And.Contain("/listStreams"));
    }

    [Test]
    public async Task An_unknown_access_key_is_403_UnrecognizedClient()
    {
        _api.Sign = (request, body) => SignAsync(request, body, "AKIDOTHER", ExampleSecret, DateTime.UtcNow);

        ApiResult result = await _api.CallAsync("listStreams", "{}");

        Assert.That(result.ErrorType, Does.StartWith("UnrecognizedClientException"));
    }

    [Test]
    public async Task A_clock_more_than_15_minutes_off_is_RequestExpired()
    {
        _api.Sign = (request, body) => SignAsync(request, body, ExampleAccessKey, ExampleSecret, DateTime.UtcNow.AddMinutes(-16));

        ApiResult result = await _api.CallAsync("listStreams", "{}");

        Assert.That(result.Status, Is.EqualTo(400));
        Assert.That(result.ErrorType, Does.StartWith("RequestExpired"));
    }

    [Test]
    public async Task A_clock_14_minutes_off_is_accepted()
    {
        _api.Sign = (request, body) => SignAsync(request, body, ExampleAccessKey, ExampleSecret, DateTime.UtcNow.AddMinutes(14));

        ApiResult result = await _api.CallAsync("listStreams", "{}");

        Assert.That(result.Status, Is.EqualTo(200));
    }

    [Test]
    public async Task A_body_changed_after_signing_is_rejected()
    {
        _api.Sign = (request, body) => SignAsync(request, "{}"u8.ToArray(), ExampleAccessKey, ExampleSecret, DateTime.UtcNow);

        ApiResult result = await _api.CallAsync("createStream", """{"StreamName":"tampered"}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidSignatureException"));
    }

    [Test]
    public async Task A_C_producer_signed_putmedia_with_the_empty_body_hash_is_accepted()
    {
        await _api.CreateStreamAsync("cam");

        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, SignedPutMediaHeaders(TestSigV4.EmptyHash, ExampleSecret, javaStyle: false));
        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0));

        Assert.That(upload.Status, Is.EqualTo(200));
        Assert.That((await upload.NextAckAsync())!.EventType, Is.EqualTo("BUFFERING"));
    }

    [Test]
    public async Task A_java_style_putmedia_with_the_streaming_payload_literal_is_accepted()
    {
        await _api.CreateStreamAsync("cam");

        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, SignedPutMediaHeaders("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", ExampleSecret, javaStyle: true));

        Assert.That(upload.Status, Is.EqualTo(200));
    }

    [Test]
    public async Task A_putmedia_with_a_bad_signature_is_403_before_any_ack()
    {
        await _api.CreateStreamAsync("cam");

        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, SignedPutMediaHeaders(TestSigV4.EmptyHash, "wrong", javaStyle: false));

        Assert.That(upload.Status, Is.EqualTo(403));
        Assert.That(upload.Connection.Headers["x-amzn-ErrorType"], Does.StartWith("InvalidSignatureException"));
    }

    [Test]
    public async Task A_presigned_putmedia_url_is_accepted()
    {
        await _api.CreateStreamAsync("cam");
        string query = TestSigV4.PresignedQuery("POST", "/putMedia", _kvs.Url.Authority, TestSigV4.EmptyHash, ExampleAccessKey, ExampleSecret, "us-west-2", DateTime.UtcNow, 600);

        await using RawHttpConnection connection = await RawHttpConnection.ConnectAsync(_kvs.Url);
        await connection.SendHeadAsync("POST", "/putMedia?" + query, PutMediaUpload.CProducerHeaders(_kvs.Url, "cam"));
        await connection.ReadResponseHeadAsync(PutMediaUpload.Timeout);

        Assert.That(connection.Status, Is.EqualTo(200));
    }

    [Test]
    public async Task An_expired_presigned_url_is_rejected()
    {
        await _api.CreateStreamAsync("cam");
        string query = TestSigV4.PresignedQuery("POST", "/putMedia", _kvs.Url.Authority, TestSigV4.EmptyHash, ExampleAccessKey, ExampleSecret, "us-west-2", DateTime.UtcNow.AddMinutes(-20), 600);

        await using RawHttpConnection connection = await RawHttpConnection.ConnectAsync(_kvs.Url);
        await connection.SendHeadAsync("POST", "/putMedia?" + query, PutMediaUpload.CProducerHeaders(_kvs.Url, "cam"));
        await connection.ReadResponseHeadAsync(PutMediaUpload.Timeout);

        Assert.That(connection.Status, Is.EqualTo(400));
        Assert.That(connection.Headers["x-amzn-ErrorType"], Does.StartWith("RequestExpired"));
    }

    /// <summary>kvs-protocol.md §8.1: the C producer's header block and signed-header list.</summary>
    private List<KeyValuePair<string, string>> SignedPutMediaHeaders(string payloadHash, string secret, bool javaStyle)
    {
        DateTime now = DateTime.UtcNow;
        List<KeyValuePair<string, string>> headers = PutMediaUpload.CProducerHeaders(_kvs.Url, "cam");
        headers.Add(new("X-Amz-Date", TestSigV4.AmzDate(now)));
        if (javaStyle)
        {
            headers.Add(new("x-amz-content-sha256", payloadHash));
        }

        string[] excluded = ["content-type", "Accept", "Expect"];
        var signed = headers.Where(h => !excluded.Contains(h.Key)).Select(h => (h.Key, h.Value)).ToList();
        headers.Add(new("Authorization", TestSigV4.Authorization("POST", "/putMedia", signed, payloadHash, ExampleAccessKey, secret, "us-west-2", "kinesisvideo", now)));
        return headers;
    }

    private Task SignAsync(HttpRequestMessage request, byte[] body, string accessKey, string secret, DateTime when)
    {
        request.Headers.Add("X-Amz-Date", TestSigV4.AmzDate(when));
        string authorization = TestSigV4.Authorization("POST", request.RequestUri!.OriginalString, [("host", _kvs.Url.Authority), ("x-amz-date", TestSigV4.AmzDate(when))], TestSigV4.Hash(body), accessKey, secret, "us-west-2", "kinesisvideo", when);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return Task.CompletedTask;
    }
}
