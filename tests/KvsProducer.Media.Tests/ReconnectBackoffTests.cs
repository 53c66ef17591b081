using KvsProducer.Media.Internal;

namespace KvsProducer.Media.Tests;

/// <summary>The delays between reconnect attempts.</summary>
public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    [Test]
    public void First_attempt_is_immediate() =>
        Assert.That(ReconnectBackoff.Delay(1, Base, Max, 0.99), Is.EqualTo(TimeSpan.Zero));

    [TestCase(2, 250)]
    [TestCase(3, 500)]
    [TestCase(4, 1000)]
    [TestCase(10, 10_000)]
    [TestCase(1000, 10_000)]
    public void Later_attempts_double_up_to_the_ceiling_with_jitter_between_half_and_all_of_the_step(int attempt, int stepMilliseconds)
    {
        TimeSpan low = ReconnectBackoff.Delay(attempt, Base, Max, 0);
        TimeSpan high = ReconnectBackoff.Delay(attempt, Base, Max, 0.999999);

        Assert.Multiple(() =>
        {
            Assert.That(low, Is.EqualTo(TimeSpan.FromMilliseconds(stepMilliseconds / 2.0)));
            Assert.That(high, Is.EqualTo(TimeSpan.FromMilliseconds(stepMilliseconds)).Within(TimeSpan.FromMilliseconds(1)));
        });
    }
}
