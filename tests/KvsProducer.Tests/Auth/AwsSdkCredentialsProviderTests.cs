using Amazon.Runtime;
using KvsProducer.Auth;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Auth;

public class AwsSdkCredentialsProviderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    /// <summary>AWS SDK credentials that hand out numbered keys with an expiry the test controls.</summary>
    private sealed class NumberedCredentials : AWSCredentials
    {
        public int Calls { get; private set; }

        public bool WithToken { get; init; } = true;

        public Func<DateTime?> NextExpiration { get; init; } = () => null;

        public override ImmutableCredentials GetCredentials()
        {
            Calls++;
            Expiration = NextExpiration();
            return new ImmutableCredentials($"ASIASDK{Calls}", $"sdk-secret-{Calls}", WithToken ? $"sdk-token-{Calls}" : null);
        }
    }

    private sealed class FailingCredentials : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => throw new AmazonClientException("Unable to get IAM security credentials from EC2 Instance Metadata Service.");
    }

    [Test]
    public async Task Keys_and_session_token_of_the_sdk_credentials_are_used()
    {
        var sdk = new NumberedCredentials();
        using var provider = new AwsSdkCredentialsProvider(sdk);

        var credentials = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.That(credentials, Is.EqualTo(new KvsCredentials("ASIASDK1", "sdk-secret-1", "sdk-token-1")));
    }

    [Test]
    public async Task Credentials_without_token_have_no_session_token()
    {
        using var provider = new AwsSdkCredentialsProvider(new NumberedCredentials { WithToken = false });

        var credentials = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.That(credentials.SessionToken, Is.Null);
    }

    [Test]
    public async Task Exposed_expiration_is_kept_in_utc_and_refresh_starts_inside_the_margin()
    {
        var time = new FakeTimeProvider(Now);
        var sdk = new NumberedCredentials { NextExpiration = () => time.GetUtcNow().UtcDateTime.AddHours(1) };
        using var provider = new AwsSdkCredentialsProvider(sdk, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), time);

        var first = await provider.GetCredentialsAsync(CancellationToken.None);
        Assert.That(first.Expiration, Is.EqualTo(Now.AddHours(1)));

        time.Advance(TimeSpan.FromMinutes(54));
        Assert.That((await provider.GetCredentialsAsync(CancellationToken.None)).AccessKeyId, Is.EqualTo("ASIASDK1"));

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.That((await provider.GetCredentialsAsync(CancellationToken.None)).AccessKeyId, Is.EqualTo("ASIASDK2"));
        Assert.That(sdk.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Credentials_without_expiration_are_asked_for_again_after_the_refresh_period()
    {
        var time = new FakeTimeProvider(Now);
        var sdk = new NumberedCredentials();
        using var provider = new AwsSdkCredentialsProvider(sdk, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2), time);

        await provider.GetCredentialsAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        await provider.GetCredentialsAsync(CancellationToken.None);
        Assert.That(sdk.Calls, Is.EqualTo(1));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await provider.GetCredentialsAsync(CancellationToken.None)).AccessKeyId, Is.EqualTo("ASIASDK2"));
    }

    [Test]
    public async Task Source_that_keeps_answering_inside_the_margin_is_asked_at_most_every_ten_seconds()
    {
        var time = new FakeTimeProvider(Now);
        var sdk = new NumberedCredentials { NextExpiration = () => time.GetUtcNow().UtcDateTime.AddMinutes(3) };
        using var provider = new AwsSdkCredentialsProvider(sdk, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), time);

        await provider.GetCredentialsAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(9));
        await provider.GetCredentialsAsync(CancellationToken.None);
        Assert.That(sdk.Calls, Is.EqualTo(1));

        time.Advance(TimeSpan.FromSeconds(1));
        await provider.GetCredentialsAsync(CancellationToken.None);
        Assert.That(sdk.Calls, Is.EqualTo(2));
    }

    [Test]
    public void Failing_sdk_credentials_are_reported_with_the_sdk_message()
    {
        using var provider = new AwsSdkCredentialsProvider(new FailingCredentials());

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.NotResolved));
        Assert.That(error.Message, Does.Contain("FailingCredentials failed").And.Contain("EC2 Instance Metadata Service"));
    }

    [Test]
    public void Negative_refresh_margin_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AwsSdkCredentialsProvider(null, TimeSpan.FromSeconds(-1), TimeSpan.FromMinutes(5)));

        Assert.That(error!.ParamName, Is.EqualTo("refreshMargin"));
    }
}
