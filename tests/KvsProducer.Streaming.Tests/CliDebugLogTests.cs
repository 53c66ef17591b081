namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Issue 13: <c>--debug</c> turns on the libraries' logs (the core's source-generated messages, the media
/// source's and FFmpeg's) on stderr; a normal run shows none; and the expected fallback from the absent
/// hardware encoder (h264_v4l2m2m, on any machine but a Pi) is not logged as a failure.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class CliDebugLogTests
{
    [Test, CancelAfter(60_000)]
    public async Task A_debug_run_prints_the_core_librarys_log_lines_on_stderr()
    {
        var run = await StreamTwoSecondsAsync("debug-on", "--debug");

        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        Assert.That(run.Stderr, Does.Contain("dbug: KvsProducer.Service.ControlPlaneClient[").And.Contain("info: KvsProducer.Service.StreamUploader["), run.Stderr);
    }

    [Test, CancelAfter(60_000)]
    public async Task A_normal_run_prints_no_library_log_line()
    {
        var run = await StreamTwoSecondsAsync("debug-off");

        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        Assert.That(run.Stderr, Does.Not.Contain("dbug:").And.Not.Contain("info:").And.Not.Contain("fail:"), run.Stderr);
    }

    [Test, CancelAfter(60_000)]
    public async Task Falling_back_to_libx264_without_a_hardware_encoder_is_one_information_sentence_not_a_failure()
    {
        var run = await StreamTwoSecondsAsync("fallback", "--debug");

        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        var lines = run.Stderr.Split('\n');
        Assert.That(lines, Has.None.StartsWith("fail:").And.None.StartsWith("warn:"), run.Stderr);
        Assert.That(lines, Has.One.StartsWith("info:").And.Contains("no hardware H.264 encoder here").And.Contains("encoding with libx264"), run.Stderr);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> StreamTwoSecondsAsync(string stream, params string[] extra)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var home = Path.Combine(Path.GetTempPath(), "kvs-home-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            return await KvsProcess.RunAsync(home, new Dictionary<string, string>(),
                ["stream", "-s", "testsrc:?size=320x240&rate=25", "--duration", "2s", "-n", stream, "--create", "--fragment-duration", "1s",
                 "--endpoint-url", local.Kvs.Url.ToString(), "--access-key", "AKID", "--secret-key", "s", .. extra]);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
