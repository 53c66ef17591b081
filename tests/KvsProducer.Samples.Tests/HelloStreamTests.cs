using KvsProducer.Streaming.Tests;

namespace KvsProducer.Samples.Tests;

/// <summary>samples/HelloStream: the smallest streaming program, against the local endpoint.</summary>
[Parallelizable(ParallelScope.All)]
public class HelloStreamTests
{
    [Test, CancelAfter(60_000)]
    public async Task HelloStream_streams_three_seconds_of_test_pattern_in_two_second_fragments_stamped_with_the_wall_clock()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        using var sample = SampleProcess.Start("HelloStream", ["hello-test", "3"], local.AwsEnvironment());

        var exit = await sample.WaitForExitAsync(TimeSpan.FromSeconds(40));

        Assert.That(exit, Is.Zero, sample.Output);
        Assert.That(sample.Output, Does.Contain("Streamed 3 s to 'hello-test'"));
        var fragments = await local.FragmentsAsync("hello-test");
        Assert.That(fragments, Has.Count.EqualTo(2), "0–2 s and 2–3 s: a key frame every 2 s (the default fragment duration)");
        Assert.That(fragments.Min(f => f.ProducerTimestamp()), Is.EqualTo(started).Within(10), "frames carry wall-clock time, not the source's zero-based time");
    }
}
