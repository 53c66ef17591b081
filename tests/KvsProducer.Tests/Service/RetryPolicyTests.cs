using KvsProducer.Service;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Service;

/// <summary>Backoff with full jitter (parity.md §3) and what is worth retrying.</summary>
public sealed class RetryPolicyTests
{
    private static readonly RetryPolicyOptions Options = new() { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10), MaxAttempts = 6 };

    [Test]
    public void The_first_retry_is_immediate()
    {
        var policy = new RetryPolicy(Options, new FakeTimeProvider(), new Random(1));

        Assert.That(policy.GetDelay(1), Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Without_an_immediate_first_retry_the_first_delay_is_jittered_under_the_base()
    {
        var policy = new RetryPolicy(Options with { FirstRetryImmediate = false }, new FakeTimeProvider(), new Random(1));

        var delays = Enumerable.Range(0, 200).Select(_ => policy.GetDelay(1)).ToArray();

        Assert.That(delays, Has.All.LessThan(TimeSpan.FromMilliseconds(100)));
        Assert.That(delays.Distinct().Count(), Is.GreaterThan(20), "full jitter spreads the delays");
    }

    [Test]
    public void Delays_are_uniform_fractions_of_a_doubling_ceiling_drawn_from_the_random_source()
    {
        var policy = new RetryPolicy(Options, new FakeTimeProvider(), new Random(42));
        var reference = new Random(42);

        var delays = Enumerable.Range(2, 5).Select(policy.GetDelay).ToArray();

        var expected = Enumerable.Range(0, 5)
            .Select(n => TimeSpan.FromMilliseconds(Math.Floor(100 * Math.Pow(2, n) * reference.NextDouble())))
            .ToArray();
        Assert.That(delays, Is.EqualTo(expected));
    }

    [Test]
    public void Delays_never_exceed_the_maximum()
    {
        var policy = new RetryPolicy(Options, new FakeTimeProvider(), new Random(3));

        var delays = Enumerable.Range(0, 500).Select(_ => policy.GetDelay(40)).ToArray();

        Assert.That(delays, Has.All.LessThanOrEqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(delays.Max(), Is.GreaterThan(TimeSpan.FromSeconds(9)), "late retries use the whole capped range");
    }

    [TestCase(400, "ClientLimitExceededException", true)]
    [TestCase(429, "", true)]
    [TestCase(500, "InternalFailure", true)]
    [TestCase(503, "ServiceUnavailable", true)]
    [TestCase(400, "InvalidArgumentException", false)]
    [TestCase(403, "NotAuthorizedException", false)]
    [TestCase(404, "ResourceNotFoundException", false)]
    [TestCase(400, "ResourceInUseException", false)]
    public void Only_throttling_and_server_errors_of_the_service_are_transient(int status, string errorType, bool transient)
    {
        var error = new KinesisVideoServiceException("DescribeStream", errorType, status, "req", "message");

        Assert.That(RetryPolicy.IsTransient(error, CancellationToken.None), Is.EqualTo(transient));
    }

    [Test]
    public void Timeouts_and_unreachable_endpoints_are_transient()
    {
        Assert.That(RetryPolicy.IsTransient(new TimeoutException(), CancellationToken.None), Is.True);
        Assert.That(RetryPolicy.IsTransient(new HttpRequestException("Connection refused"), CancellationToken.None), Is.True);
    }

    [Test]
    public void Transport_failures_are_transient_unless_the_peer_sent_malformed_data()
    {
        Assert.That(RetryPolicy.IsTransient(new KvsTransportException(KvsTransportFailure.ConnectionReset, "reset"), CancellationToken.None), Is.True);
        Assert.That(RetryPolicy.IsTransient(new KvsTransportException(KvsTransportFailure.MalformedHttp, "garbage"), CancellationToken.None), Is.False);
    }

    [Test]
    public void Programming_errors_are_not_transient()
    {
        Assert.That(RetryPolicy.IsTransient(new ArgumentException("bad"), CancellationToken.None), Is.False);
    }

    [Test]
    public async Task Execute_retries_a_transient_failure_after_the_delay_and_returns_the_result()
    {
        var time = new FakeTimeProvider();
        var policy = new RetryPolicy(Options with { FirstRetryImmediate = false }, time, new Random(5));
        var expectedDelay = new RetryPolicy(Options with { FirstRetryImmediate = false }, time, new Random(5)).GetDelay(1);
        var attempts = 0;

        var run = policy.ExecuteAsync(
            _ => ++attempts == 1 ? throw new TimeoutException() : Task.FromResult("ok"),
            null,
            CancellationToken.None);
        Assert.That(attempts, Is.EqualTo(1));
        time.Advance(expectedDelay);

        Assert.That(await run.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo("ok"));
        Assert.That(attempts, Is.EqualTo(2));
    }

    [Test]
    public void Execute_gives_up_after_the_maximum_attempts_with_the_last_error()
    {
        var policy = new RetryPolicy(Options with { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) }, TimeProvider.System, new Random(5));
        var attempts = 0;

        Assert.That(
            () => policy.ExecuteAsync<int>(_ => throw new TimeoutException($"attempt {++attempts}"), null, CancellationToken.None),
            Throws.InstanceOf<TimeoutException>().With.Message.EqualTo("attempt 3"));
        Assert.That(attempts, Is.EqualTo(3));
    }

    [Test]
    public void Execute_does_not_retry_a_client_error()
    {
        var policy = new RetryPolicy(Options, new FakeTimeProvider(), new Random(5));
        var attempts = 0;

        Assert.That(
            () => policy.ExecuteAsync<int>(_ => { attempts++; throw new KinesisVideoServiceException("CreateStream", "InvalidArgumentException", 400, null, "bad"); }, null, CancellationToken.None),
            Throws.InstanceOf<KinesisVideoServiceException>());
        Assert.That(attempts, Is.EqualTo(1));
    }

    [Test]
    public void Execute_reports_each_retry_with_its_delay()
    {
        var policy = new RetryPolicy(Options with { MaxAttempts = 2 }, new FakeTimeProvider(), new Random(5));
        var reported = new List<(int Attempt, TimeSpan Delay)>();

        Assert.That(
            () => policy.ExecuteAsync<int>(_ => throw new TimeoutException(), (attempt, _, delay) => reported.Add((attempt, delay)), CancellationToken.None),
            Throws.InstanceOf<TimeoutException>());
        Assert.That(reported, Is.EqualTo(new[] { (1, TimeSpan.Zero) }));
    }

    [Test]
    public void Options_out_of_range_are_refused_with_the_option_named()
    {
        Assert.That(() => new RetryPolicy(Options with { MaxAttempts = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxAttempts"));
        Assert.That(() => new RetryPolicy(Options with { MaxDelay = TimeSpan.FromMilliseconds(10) }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxDelay"));
    }
}
