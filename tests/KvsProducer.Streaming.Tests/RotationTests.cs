using KvsProducer.Auth;

namespace KvsProducer.Streaming.Tests;

/// <summary>The connection is replaced before credentials expire, between fragments, without losing or repeating anything.</summary>
public class RotationTests
{
    /// <summary>Credentials that always expire 3 min 2 s from now: the uploader's 3-minute margin leaves 2 s per session.</summary>
    private sealed class ShortLivedCredentials : ICredentialsProvider
    {
        public int Calls;

        public ValueTask<KvsCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return ValueTask.FromResult(new KvsCredentials("ASIAROTATING", "secret", "token", DateTimeOffset.UtcNow + TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(2)));
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task Sessions_rotate_before_credentials_expire_with_every_frame_persisted_once(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var credentials = new ShortLivedCredentials();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions with { Credentials = credentials });
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("rotating") { CreateIfMissing = true }, cancellationToken);
        var run = StreamRun.Of(stream);

        await run.PutAsync(200, TimeSpan.FromMilliseconds(40), cancellationToken); // 8 s of media in real time
        await stream.StopAsync(cancellationToken);

        var metrics = stream.GetMetrics();
        Assert.That(metrics.TotalSessions, Is.GreaterThanOrEqualTo(3), "a new session about every 2 s");
        Assert.That(run.Errors, Is.Empty, "rotation is planned, not an error");
        Assert.That(metrics.PersistedFrames, Is.EqualTo(200));
        var stored = (await local.ListFragmentsAsync(stream.Name)).Select(f => Math.Round(f.GetProperty("ProducerTimestamp").GetDouble() * 1000)).ToList();
        Assert.That(stored.Distinct(), Is.EquivalentTo(run.ExpectedFragmentTimes(8)));
        Assert.That(credentials.Calls, Is.GreaterThanOrEqualTo(metrics.TotalSessions), "fresh credentials for every session");
    }
}
