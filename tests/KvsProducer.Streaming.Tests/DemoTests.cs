using KvsProducer.Cli.Commands;

namespace KvsProducer.Streaming.Tests;

/// <summary>The README's demo, shortened: the whole pipeline, one connection reset, nothing lost, a playable read-back.</summary>
public class DemoTests
{
    [Test, CancelAfter(90_000)]
    public async Task The_demo_recovers_from_its_connection_drop_without_losing_a_frame(CancellationToken cancellationToken)
    {
        var output = new DirectoryInfo(Path.Combine(Path.GetTempPath(), "kvs-demo-" + Guid.NewGuid().ToString("N")));
        try
        {
            var summary = await DemoCommand.RunAsync(output, TimeSpan.FromSeconds(4), cancellationToken);

            Assert.That(summary, Does.Contain("frames lost:           0"));
            Assert.That(summary, Does.Contain("reconnects:            1"));
            Assert.That(summary, Does.Contain("frames persisted:      100"));
            Assert.That(new FileInfo(Path.Combine(output.FullName, "kvs-demo.mkv")).Length, Is.GreaterThan(100_000));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
