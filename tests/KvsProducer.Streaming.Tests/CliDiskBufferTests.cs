using System.Text.Json;

namespace KvsProducer.Streaming.Tests;

/// <summary><c>kvs stream --disk-buffer --json</c>: the summary carries FramesSpilled and the disk buffer's figures, and they add up.</summary>
public class CliDiskBufferTests
{
    [Test, CancelAfter(60_000)]
    public async Task The_json_summary_of_a_disk_buffered_stream_has_its_spill_figures_and_everything_persisted(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var spool = Directory.CreateTempSubdirectory("kvs-cli-disk-buffer-").FullName;
        var home = Directory.CreateTempSubdirectory("kvs-home-").FullName; // no ~/.aws

        var run = await KvsProcess.RunAsync(home, new Dictionary<string, string>(),
            "stream", "-s", "testsrc:?size=320x240&rate=25", "--duration", "3s", "-n", "cli-spool", "--create", "--fragment-duration", "1s",
            "--endpoint-url", local.Kvs.Url.ToString(), "--access-key", "AKID", "--secret-key", "s", "--disk-buffer", spool, "--json");

        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        using var summary = JsonDocument.Parse(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last());
        var root = summary.RootElement;
        TestContext.Out.WriteLine(root.GetRawText());
        var disk = root.GetProperty("DiskBuffer");
        Assert.That(root.GetProperty("FramesSpilled").GetInt64(), Is.Zero, "a healthy link spills nothing");
        Assert.That(disk.GetProperty("SpilledPersisted").GetInt64() + disk.GetProperty("SpilledLost").GetInt64() + disk.GetProperty("SpilledWaiting").GetInt64(), Is.Zero);
        Assert.That(disk.GetProperty("Records").GetInt64(), Is.Zero, "every frame persisted, so released from disk");
        Assert.That(root.GetProperty("FramesPersisted").GetInt64(), Is.EqualTo(root.GetProperty("FramesPut").GetInt64()).And.GreaterThan(50));
        Assert.That(root.GetProperty("FramesDropped").GetInt64(), Is.Zero);
        Directory.Delete(spool, recursive: true);
        Directory.Delete(home, recursive: true);
    }
}
