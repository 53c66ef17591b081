using KvsProducer.Auth;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Auth;

/// <summary>
/// The AWS SDK's standard chain, fed through environment variables. AWSSDK.Core 4.1's
/// EnvironmentVariablesAWSCredentials reads the process environment directly (its
/// EnvironmentVariableSource hook is not consulted), so these tests set real variables: they are
/// process-wide, hence NonParallelizable, and every variable is restored afterwards.
/// </summary>
[NonParallelizable]
public class AwsSdkCredentialChainTests
{
    private static readonly string[] Variables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECRET_KEY",
        "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    private readonly Dictionary<string, string?> _saved = [];

    [SetUp]
    public void IsolateEnvironment()
    {
        foreach (var name in Variables)
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, null);
        }

        // Nothing outside the test may answer: no profile files, no instance metadata.
        var nowhere = Path.Combine(Path.GetTempPath(), $"kvs-no-aws-config-{Guid.NewGuid():N}");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(nowhere, "credentials"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(nowhere, "config"));
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    [TearDown]
    public void RestoreEnvironment()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Test]
    public async Task Default_chain_takes_keys_and_token_from_the_environment()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "ASIAENVIRONMENT1");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "environment-secret-1");
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", "environment-token-1");
        using var provider = new AwsSdkCredentialsProvider();

        var credentials = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.That(credentials, Is.EqualTo(new KvsCredentials("ASIAENVIRONMENT1", "environment-secret-1", "environment-token-1")));
    }

    [Test]
    public async Task Default_chain_picks_up_rotated_environment_keys_after_the_refresh_period()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "ASIAENVIRONMENT1");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "environment-secret-1");
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", "environment-token-1");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var provider = new AwsSdkCredentialsProvider(null, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), time);
        await provider.GetCredentialsAsync(CancellationToken.None);

        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT2");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "environment-secret-2");
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.That(await provider.GetCredentialsAsync(CancellationToken.None), Is.EqualTo(new KvsCredentials("AKIAENVIRONMENT2", "environment-secret-2")));
    }

    [Test]
    public void Default_chain_without_any_credentials_reports_where_it_looked()
    {
        using var provider = new AwsSdkCredentialsProvider();

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.NotResolved));
        Assert.That(error.Message, Does.Contain("AWS_ACCESS_KEY_ID").And.Contain("Failed to resolve AWS credentials"));
    }
}
