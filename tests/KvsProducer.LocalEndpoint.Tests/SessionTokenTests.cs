using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>
/// Issue 10 §1: with <see cref="LocalKvsOptions.SessionToken"/> set, a request must carry that
/// token (X-Amz-Security-Token, unsigned as the C producer sends it); without it tokens are ignored.
/// </summary>
[TestFixture]
public sealed class SessionTokenTests
{
    private const string AccessKey = "ASIATEMPORARY";
    private const string Secret = "temporary-secret";

    [Test]
    public async Task The_configured_session_token_is_accepted()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { AccessKey = AccessKey, SecretKey = Secret, SessionToken = "token-1" });

        ApiResult result = await ListStreamsAsync(kvs, "token-1");

        Assert.That(result.Status, Is.EqualTo(200), result.ToString());
    }

    [Test]
    public async Task Another_session_token_is_UnrecognizedClient()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { AccessKey = AccessKey, SecretKey = Secret, SessionToken = "token-1" });

        ApiResult result = await ListStreamsAsync(kvs, "token-2");

        Assert.That(result.Status, Is.EqualTo(403));
        Assert.That(result.ErrorType, Does.StartWith("UnrecognizedClientException:"));
    }

    [Test]
    public async Task A_missing_session_token_is_UnrecognizedClient_when_one_is_configured()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { AccessKey = AccessKey, SecretKey = Secret, SessionToken = "token-1" });

        ApiResult result = await ListStreamsAsync(kvs, token: null);

        Assert.That(result.ErrorType, Does.StartWith("UnrecognizedClientException:"));
        Assert.That(result.Message, Does.Contain("X-Amz-Security-Token"));
    }

    [Test]
    public async Task Any_session_token_is_ignored_when_none_is_configured()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { AccessKey = AccessKey, SecretKey = Secret });

        ApiResult result = await ListStreamsAsync(kvs, "whatever");

        Assert.That(result.Status, Is.EqualTo(200), result.ToString());
    }

    [Test]
    public void A_session_token_without_keys_is_refused_naming_the_options()
    {
        var error = Assert.ThrowsAsync<ArgumentException>(async () => await LocalKvs.StartAsync(new LocalKvsOptions { SessionToken = "t" }));

        Assert.That(error!.Message, Does.Contain("SessionToken").And.Contain("AccessKey"));
    }

    private static async Task<ApiResult> ListStreamsAsync(LocalKvs kvs, string? token)
    {
        using var api = new KvsApi(kvs.Url)
        {
            Sign = (request, body) =>
            {
                DateTime now = DateTime.UtcNow;
                request.Headers.Add("X-Amz-Date", TestSigV4.AmzDate(now));
                string authorization = TestSigV4.Authorization("POST", request.RequestUri!.OriginalString, [("host", kvs.Url.Authority), ("x-amz-date", TestSigV4.AmzDate(now))], TestSigV4.Hash(body), AccessKey, Secret, "us-west-2", "kinesisvideo", now);
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
                if (token is not null)
                {
                    request.Headers.Add("X-Amz-Security-Token", token);
                }

                return Task.CompletedTask;
            },
        };
        return await api.CallAsync("listStreams", "{}");
    }
}
