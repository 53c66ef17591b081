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
