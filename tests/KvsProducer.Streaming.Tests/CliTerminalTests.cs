using System.Diagnostics;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// <c>kvs stream</c> in a real 80×24 terminal (tmux, its own server per test): the captured screen shows
/// one status line that fits, and Ctrl+C ends the run with the README's exit code 130.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class CliTerminalTests
{
    [Test, CancelAfter(90_000)]
    public async Task Kvs_stream_status_line_fits_80_columns_and_is_redrawn_in_place_and_ctrl_c_exits_130()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        await using var tmux = await Tmux.StartAsync($"dotnet {Path.Combine(AppContext.BaseDirectory, "kvs.dll")} stream -s 'testsrc:?size=320x240&rate=25' -n tmuxcam --create --endpoint-url {local.Kvs.Url} --access-key AKID --secret-key s; echo EXIT=$?; sleep 60");

        var screen = await tmux.WaitForAsync(s => s.Contains("tmuxcam:", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2)); // several redraws (every 0.5 s)
        screen = await tmux.CaptureAsync();

        var lines = screen.Split('\n');
        Assert.That(lines.Max(l => l.TrimEnd().Length), Is.LessThanOrEqualTo(80), screen);
        Assert.That(lines.Count(l => l.Contains("tmuxcam:", StringComparison.Ordinal)), Is.EqualTo(1), "one status line, redrawn in place:\n" + screen);

        await tmux.SendKeysAsync("C-c");
        screen = await tmux.WaitForAsync(s => s.Contains("EXIT=", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.That(screen, Does.Contain("EXIT=130"), screen);
    }

    [Test, CancelAfter(90_000)]
    public async Task Kvs_stream_second_ctrl_c_exits_at_once_with_130()
    {
        await using var local = await LocalKvsFixture.StartAsync(o => o with { Faults = o.Faults with { AckDelay = TimeSpan.FromSeconds(30) } });
        await using var tmux = await Tmux.StartAsync($"dotnet {Path.Combine(AppContext.BaseDirectory, "kvs.dll")} stream -s 'testsrc:?size=320x240&rate=25' -n tmuxcam2 --create --stop-timeout 60s --endpoint-url {local.Kvs.Url} --access-key AKID --secret-key s; echo EXIT=$?; sleep 60");
        await tmux.WaitForAsync(s => s.Contains("tmuxcam2:", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        await tmux.SendKeysAsync("C-c");
        await tmux.WaitForAsync(s => s.Contains("interrupted", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        await tmux.SendKeysAsync("C-c");
        var screen = await tmux.WaitForAsync(s => s.Contains("EXIT=", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        Assert.That(screen, Does.Contain("EXIT=130"), screen);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "not the 60 s --stop-timeout drain");
    }

    [Test, CancelAfter(90_000)]
    public async Task Kvs_upload_progress_bar_shows_the_persisted_share_below_100_until_acknowledged_with_an_eta()
    {
        // The file is read at once (Offline, big buffer) while a 40 kB/s uplink lets fragments through over
        // about 5 s: a bar of bytes read (issue 13) showed 100 % from the start.
        await using var proxy = new FreezableProxy { UploadBytesPerSecond = 40_000 };
        await using var local = await LocalKvsFixture.StartAsync(o => o with { AdvertisedDataEndpoint = proxy.Url });
        proxy.TargetPort = local.Kvs.Url.Port;
        proxy.Start();
        await using var tmux = await Tmux.StartAsync($"dotnet {Path.Combine(AppContext.BaseDirectory, "kvs.dll")} upload -s 'file:{RecordedClip.PathOf("h264-1280x720.h264")}?fps=25' -n tmuxup --create --start-time 2026-11-24T10:00:00Z --endpoint-url {local.Kvs.Url} --access-key AKID --secret-key s; echo EXIT=$?; sleep 60");

        var screens = new List<string>();
        string screen;
        do
        {
            screen = await tmux.CaptureAsync();
            screens.Add(screen);
            await Task.Delay(250);
        }
        while (!screen.Contains("EXIT=", StringComparison.Ordinal) && screens.Count < 200);

        var during = screens.Where(s => !s.Contains("EXIT=", StringComparison.Ordinal) && s.Contains("% persisted", StringComparison.Ordinal)).ToList();
        Assert.That(screen, Does.Contain("EXIT=0"), screen);
        Assert.That(during, Is.Not.Empty, "the bar was shown while uploading:\n" + screen);
        Assert.That(during[0], Does.Not.Contain("100% persisted"), "not 100 % while fragments are unacknowledged:\n" + during[0]);
        Assert.That(during, Has.Some.Contains("ETA 00:00:"), "an ETA from the persisted rate:\n" + string.Join("\n---\n", during));
        Assert.That(screens.SelectMany(s => s.Split('\n')).Max(l => l.TrimEnd().Length), Is.LessThanOrEqualTo(80));
        Assert.That(screen, Does.Contain("100% persisted"), "the summary, once everything is acknowledged:\n" + screen);
    }

    /// <summary>A detached tmux server of its own with one 80×24 window running a shell command.</summary>
    private sealed class Tmux : IAsyncDisposable
    {
        private readonly string _socket = "kvs-test-" + Guid.NewGuid().ToString("N");

        public static async Task<Tmux> StartAsync(string command)
        {
            var tmux = new Tmux();
            await tmux.RunAsync("new-session", "-d", "-x", "80", "-y", "24", command);
            return tmux;
        }

        public Task<string> CaptureAsync() => RunAsync("capture-pane", "-p");

        public Task SendKeysAsync(string keys) => RunAsync("send-keys", keys);

        public async Task<string> WaitForAsync(Func<string, bool> condition, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            string screen;
            while (!condition(screen = await CaptureAsync()))
            {
                if (clock.Elapsed > timeout)
                {
                    Assert.Fail($"the terminal did not show what was expected within {timeout.TotalSeconds} s:\n{screen}");
                }

                await Task.Delay(200);
            }

            return screen;
        }

        public async ValueTask DisposeAsync() => await RunAsync("kill-server");

        private async Task<string> RunAsync(params string[] arguments)
        {
            var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-L");
            start.ArgumentList.Add(_socket);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output;
        }
    }
}
