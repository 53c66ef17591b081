using KvsProducer.Auth;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Auth;

public class CredentialsCacheTests
{
    [Test]
    public async Task Concurrent_callers_share_one_fetch()
    {
        var fetches = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cache = new CredentialsCache(
            async _ =>
            {
                Interlocked.Increment(ref fetches);
                await release.Task;
                return new KvsCredentials("AKIDSHARED", "secret");
            },
            TimeSpan.FromMinutes(5),
            null,
            "a test source",
            new FakeTimeProvider(),
            null);

        var callers = Enumerable.Range(0, 8).Select(_ => cache.GetAsync(false, CancellationToken.None).AsTask()).ToArray();
        release.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.That(fetches, Is.EqualTo(1));
        Assert.That(results.Select(r => r.AccessKeyId), Is.All.EqualTo("AKIDSHARED"));
    }

    [Test]
    public void Fetched_credentials_with_an_empty_secret_are_a_format_error_naming_the_source()
    {
        using var cache = new CredentialsCache(_ => Task.FromResult(new KvsCredentials("AKIDEXAMPLE", "")), TimeSpan.Zero, null, "a test source", null, null);

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await cache.GetAsync(false, CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.InvalidFormat));
        Assert.That(error.Message, Does.StartWith("The credentials from a test source are invalid: the secret access key of 'AKIDEXAMPLE' is empty."));
    }

    [Test]
    public async Task Failed_refresh_of_expired_credentials_is_reported()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero));
        var calls = 0;
        using var cache = new CredentialsCache(
            _ => ++calls == 1
                ? Task.FromResult(new KvsCredentials("ASIAONCE", "secret", "token", time.GetUtcNow().AddMinutes(30)))
                : Task.FromException<KvsCredentials>(new CredentialsException(CredentialsFailure.Unreachable, "source down")),
            TimeSpan.FromMinutes(5),
            null,
            "a test source",
            time,
            null);
        await cache.GetAsync(false, CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(30));

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await cache.GetAsync(false, CancellationToken.None));
        Assert.That(error!.Message, Is.EqualTo("source down"));
    }
}
