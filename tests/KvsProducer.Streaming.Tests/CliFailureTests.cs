using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using KvsProducer.LocalEndpoint;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Issue 11: every failure of the real <c>kvs</c> process is one line on stderr (no stack trace) and the
/// README's exit code (1 failed, 2 bad command line, 130 interrupted), with the <c>--json</c> summary on every
/// path; frames lost to ERROR acknowledgements show in the summary.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class CliFailureTests
{
    private const string Pattern = "testsrc:?size=320x240&rate=25";

    [Test, CancelAfter(60_000)]
    public async Task Missing_credentials_fail_with_one_line_saying_what_to_give_exit_1_and_the_json_summary()
    {
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(), "stream", "-s", Pattern, "-n", "s", "--region", "us-west-2", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.Contain("no credentials").And.Contain("--access-key").And.Contain("--profile"));
        using var summary = Summary(run.Stdout);
        Assert.That(summary.RootElement.GetProperty("ExitCode").GetInt32(), Is.EqualTo(1));
        Assert.That(summary.RootElement.GetProperty("Error").GetString(), Does.Contain("no credentials"));
    }

    [Test, CancelAfter(60_000)]
    public async Task A_blackholed_endpoint_fails_with_one_line_within_the_start_timeout()
    {
        // Accepts every connection and never answers: a hung service or a firewall that swallows replies.
        using var blackhole = new TcpListener(IPAddress.Loopback, 0);
        blackhole.Start(100);
        using var home = new EmptyHome();

        var clock = Stopwatch.StartNew();
        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(),
            "stream", "-s", Pattern, "-n", "s", "--endpoint-url", $"http://127.0.0.1:{((IPEndPoint)blackhole.LocalEndpoint).Port}",
            "--access-key", "AKID", "--secret-key", "s", "--start-timeout", "3s", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.Contain("did not answer within --start-timeout 3 s"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "the 3 s limit, not the library's minute of retries");
        using var summary = Summary(run.Stdout);
        Assert.That(summary.RootElement.GetProperty("ExitCode").GetInt32(), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task A_refusing_endpoint_fails_with_one_line_and_exit_1()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(),
            "stream", "-s", Pattern, "-n", "s", "--endpoint-url", $"http://127.0.0.1:{port}", "--access-key", "AKID", "--secret-key", "s");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.Contain("could not reach").And.Contain($"127.0.0.1:{port}"));
    }

    [Test, CancelAfter(60_000)]
    public async Task An_untrusted_tls_certificate_fails_with_one_line_pointing_at_the_ca_bundle()
    {
        await using var local = await LocalKvsFixture.StartAsync(o => o with { Https = true });
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(),
            "stream", "-s", Pattern, "-n", "s", "--create", "--endpoint-url", local.Kvs.Url.ToString(), "--access-key", "AKID", "--secret-key", "s");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.Contain("not trusted").And.Contain("CA"));
    }

    [TestCase("bogus:xx")]
    [TestCase("file:clip.h264?fps=abc")]
    [TestCase("testsrc:?size=big")]
    [CancelAfter(60_000)]
    public async Task A_malformed_source_uri_exits_2_with_one_line(string source)
    {
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(),
            "stream", "-s", source, "-n", "s", "--endpoint-url", "http://127.0.0.1:9", "--access-key", "AKID", "--secret-key", "s");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.Length.EqualTo(1), run.Stderr);
    }

    [Test, CancelAfter(60_000)]
    public async Task A_malformed_source_uri_is_a_bad_command_line_even_without_credentials()
    {
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(), "stream", "-s", "bogus:xx", "-n", "s", "--region", "us-west-2", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.Contain("is not a source URI"), "the command line is judged before the credentials");
        using var summary = Summary(run.Stdout);
        Assert.That(summary.RootElement.GetProperty("ExitCode").GetInt32(), Is.EqualTo(2));
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_local_with_an_unusable_data_directory_says_which_in_one_line()
    {
        using var home = new EmptyHome();
        var notADirectory = Path.Combine(home.Path, "a-file");
        await File.WriteAllTextAsync(notADirectory, "x");

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(), "local", "--port", "0", "--data-dir", Path.Combine(notADirectory, "data"));

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.Contain("cannot use the data directory").And.Contain("--data-dir").And.Not.Contain("--port"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_local_on_a_busy_port_says_so_in_one_line()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(), "local", "--port", ((IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.Length.EqualTo(1), "no hosting stack trace: " + run.Stderr);
        Assert.That(run.Stderr, Does.Contain("cannot listen on").And.Contain("--port"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_local_with_a_port_out_of_range_exits_2_with_one_line()
    {
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(), "local", "--port", "99999");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.Contain("1–65535").And.Contain("99999"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Frames_refused_by_error_acknowledgements_are_reported_dropped_and_fail_an_upload_with_its_json_summary()
    {
        // ERROR 4002 (not retriable: the same bytes would fail again) for the second fragment of each session:
        // the 3-fragment clip loses exactly its second fragment, 25 frames.
        await using var local = await LocalKvsFixture.StartAsync(o => o with { Faults = new LocalKvsFaults { ErrorAckId = 4002, ErrorAckAtFragment = 2 } });
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(),
            "upload", "-s", $"file:{RecordedClip.PathOf("h264-640x480.h264")}?fps=25", "-n", "refused", "--create", "--start-time", "2026-11-24T10:00:00Z",
            "--endpoint-url", local.Kvs.Url.ToString(), "--access-key", "AKID", "--secret-key", "s", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.Contain("25 of 75 frames were not persisted"));
        using var summary = Summary(run.Stdout);
        var root = summary.RootElement;
        Assert.That(root.GetProperty("FramesPut").GetInt64(), Is.EqualTo(75));
        Assert.That(root.GetProperty("FramesPersisted").GetInt64(), Is.EqualTo(50));
        Assert.That(root.GetProperty("FramesDropped").GetInt64(), Is.EqualTo(25), "not \"0 dropped\"");
        Assert.That(root.GetProperty("FramesSkipped").GetInt64(), Is.Zero);
        Assert.That(await local.ListFragmentsAsync("refused"), Has.Count.EqualTo(2), "the endpoint stored what the summary says was persisted");
    }

    [Test, CancelAfter(60_000)]
    public async Task An_interrupted_stream_prints_its_json_summary_and_exits_130()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        using var home = new EmptyHome();
        using var kvs = KvsProcess.Start(home.Path, new Dictionary<string, string>(),
            "stream", "-s", Pattern, "-n", "interrupted", "--create", "--endpoint-url", local.Kvs.Url.ToString(), "--access-key", "AKID", "--secret-key", "s", "--json");
        var stdout = kvs.StandardOutput.ReadToEndAsync();
        var stderr = kvs.StandardError.ReadToEndAsync();

        while ((await local.ListFragmentsAsync("interrupted").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.Count : 0)) == 0)
        {
            await Task.Delay(200);
        }

        await InterruptAsync(kvs);
        await kvs.WaitForExitAsync();
        Assert.That(kvs.ExitCode, Is.EqualTo(130), await stderr);
        using var summary = Summary(await stdout);
        Assert.That(summary.RootElement.GetProperty("ExitCode").GetInt32(), Is.EqualTo(130));
        Assert.That(summary.RootElement.GetProperty("FramesPersisted").GetInt64(), Is.GreaterThan(0));
    }

    [Test, CancelAfter(60_000)]
    public async Task A_second_interrupt_exits_at_once_with_the_json_summary_and_130()
    {
        // ACKs held back 30 s: the drain after the first Ctrl+C would wait; the second ends the process.
        await using var local = await LocalKvsFixture.StartAsync(o => o with { Faults = new LocalKvsFaults { AckDelay = TimeSpan.FromSeconds(30) } });
        using var home = new EmptyHome();
        using var kvs = KvsProcess.Start(home.Path, new Dictionary<string, string>(),
            "stream", "-s", Pattern, "-n", "forced", "--create", "--endpoint-url", local.Kvs.Url.ToString(), "--access-key", "AKID", "--secret-key", "s", "--json");
        var stdout = kvs.StandardOutput.ReadToEndAsync();
        var stderr = kvs.StandardError.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));

        await InterruptAsync(kvs);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        await InterruptAsync(kvs);
        await kvs.WaitForExitAsync();

        Assert.That(kvs.ExitCode, Is.EqualTo(130), await stderr);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "not the drain");
        using var summary = Summary(await stdout);
        Assert.That(summary.RootElement.GetProperty("ExitCode").GetInt32(), Is.EqualTo(130));
        Assert.That(summary.RootElement.GetProperty("FramesPut").GetInt64(), Is.GreaterThan(0));
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_upload_on_a_slow_link_outlasts_its_stop_timeout_while_acknowledgements_come()
    {
        // 40 kB/s uplink (FreezableProxy) for PutMedia: the 214 kB clip takes 10 s or more to drain (the proxy's
        // small reads and timer granularity make it slower than its nominal rate), longer than the --stop-timeout,
        // which before issue 11 bounded the whole drain and failed the upload. The timeout still exceeds the gap
        // between two fragments' first acknowledgements on this link (a few seconds).
        await using var proxy = new FreezableProxy { UploadBytesPerSecond = 40_000 };
        await using var local = await LocalKvsFixture.StartAsync(o => o with { AdvertisedDataEndpoint = proxy.Url });
        proxy.TargetPort = local.Kvs.Url.Port;
        proxy.Start();
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(),
            "upload", "-s", $"file:{RecordedClip.PathOf("h264-1280x720.h264")}?fps=25", "-n", "slow", "--create", "--start-time", "2026-11-24T10:00:00Z",
            "--stop-timeout", "6s", "--endpoint-url", local.Kvs.Url.ToString(), "--access-key", "AKID", "--secret-key", "s", "--json");

        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        using var summary = Summary(run.Stdout);
        var root = summary.RootElement;
        TestContext.Out.WriteLine(run.Stdout);
        Assert.That(root.GetProperty("ElapsedSeconds").GetDouble(), Is.GreaterThan(6), "the drain lasted longer than --stop-timeout");
        Assert.That(root.GetProperty("FramesPersisted").GetInt64(), Is.EqualTo(root.GetProperty("FramesPut").GetInt64()));
        Assert.That(root.GetProperty("Progress").GetDouble(), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_upload_gives_up_with_one_line_when_nothing_is_acknowledged_for_the_stop_timeout()
    {
        await using var local = await LocalKvsFixture.StartAsync(o => o with { Faults = new LocalKvsFaults { StopAcks = true } });
        using var home = new EmptyHome();

        var run = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(),
            "upload", "-s", $"file:{RecordedClip.PathOf("h264-640x480.h264")}?fps=25", "-n", "silent", "--create", "--start-time", "2026-11-24T10:00:00Z",
            "--stop-timeout", "2s", "--endpoint-url", local.Kvs.Url.ToString(), "--access-key", "AKID", "--secret-key", "s", "--json");

        // Lines about reconnecting may come first (what the uploader recovers from); the failure is one line after them.
        Assert.That(run.ExitCode, Is.EqualTo(1), run.Stderr);
        Assert.That(Lines(run.Stderr), Has.One.StartsWith("kvs upload:").And.None.StartsWith("at "), run.Stderr);
        Assert.That(run.Stderr, Does.Contain("--stop-timeout 2 s").And.Not.Contain("DrainOptions"));
        using var summary = Summary(run.Stdout);
        Assert.That(summary.RootElement.GetProperty("ExitCode").GetInt32(), Is.EqualTo(1));
        Assert.That(summary.RootElement.GetProperty("Progress").GetDouble(), Is.LessThan(1));
    }

    /// <summary>Ctrl+C, as a terminal sends it: SIGINT.</summary>
    private static async Task InterruptAsync(Process kvs)
    {
        using var signal = Process.Start("kill", ["-INT", kvs.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await signal.WaitForExitAsync();
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static JsonDocument Summary(string stdout) => JsonDocument.Parse(Lines(stdout).Last());

    /// <summary>A HOME with no ~/.aws: no credentials, no profile.</summary>
    private sealed class EmptyHome : IDisposable
    {
        public EmptyHome() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kvs-home-" + Guid.NewGuid().ToString("N"));

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
