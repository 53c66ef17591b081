using System.Diagnostics;
using KvsProducer.LocalEndpoint;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Issue 11's acceptance test for the disk buffer: a real <c>kvs stream --disk-buffer</c> process killed with SIGKILL
/// mid-upload, then started again on the same directory, delivers every frame that had reached the disk buffer, none
/// twice (ffprobe on the read-back).
/// </summary>
public class DiskBufferKillTests
{
    [Test, CancelAfter(120_000)]
    public async Task Kvs_stream_killed_with_SIGKILL_mid_upload_delivers_every_frame_on_disk_once_after_a_restart(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var spool = Directory.CreateTempSubdirectory("kvs-disk-buffer-kill-").FullName;
        string[] Arguments(string duration) =>
        [
            "stream", "--source", "testsrc:?size=320x240&rate=25", "--duration", duration, "--stream", "killed", "--create", "--fragment-duration", "1s",
            "--endpoint", local.Kvs.Url.ToString(), "--access-key", "AKIDTEST", "--secret-key", "secret", "--disk-buffer", spool,
        ];

        // A link slower than the camera: a backlog of unacknowledged fragments builds up, so the kill leaves several behind.
        local.Kvs.Faults = new LocalKvsFaults { BandwidthLimit = 40_000 };
        using (var first = Start(Arguments("60s")))
        {
            // Mid-upload: some fragments stored, the current one on disk and on the wire.
            while (await StoredFragmentsAsync(local) < 3)
            {
                Assert.That(first.HasExited, Is.False, "kvs stream ended early");
                await Task.Delay(100, cancellationToken);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000)), cancellationToken); // anywhere inside a fragment
            first.Kill(); // SIGKILL: no drain, no flush, no dispose
            await first.WaitForExitAsync(cancellationToken);
        }

        var onDisk = SpoolFiles.PresentationTimes(Path.Combine(spool, "killed"));
        var storedBeforeRestart = (await StoredFrames.ReadAsync(local, "killed")).Count;
        local.Kvs.Faults = LocalKvsFaults.None;

        using (var second = Start(Arguments("2s")))
        {
            await second.WaitForExitAsync(cancellationToken);
            Assert.That(second.ExitCode, Is.Zero);
        }

        var stored = await StoredFrames.ReadAsync(local, "killed");
        TestContext.Out.WriteLine($"killed run: {storedBeforeRestart} frames stored, {onDisk.Count} records on disk at the kill; after the restart: {stored.Count} frames stored ({stored.Distinct().Count()} distinct)");
        Assert.That(onDisk, Is.Not.Empty, "the killed run left frames on disk");
        Assert.That(onDisk.Except(stored), Is.Empty, "every frame that reached the disk buffer is stored");
        Assert.That(stored, Is.Unique, "none twice");
        Assert.That(stored, Has.Count.GreaterThanOrEqualTo(storedBeforeRestart + 50), "and the second run's own 2 s");
        Directory.Delete(spool, recursive: true);
    }

    /// <summary>Fragments stored so far; 0 while the stream does not exist yet (404).</summary>
    private static async Task<int> StoredFragmentsAsync(LocalKvsFixture local)
    {
        try
        {
            return (await local.ListFragmentsAsync("killed")).Count;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static Process Start(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kvs.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        var process = Process.Start(start)!;
        // Read both pipes as they fill: a full pipe would block the producer's writes (and its upload with them).
        process.OutputDataReceived += (_, line) => Print(line.Data);
        process.ErrorDataReceived += (_, line) => Print(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Print(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            TestContext.Out.WriteLine("kvs: " + line);
        }
    }
}
