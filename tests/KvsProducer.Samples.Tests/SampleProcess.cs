using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace KvsProducer.Samples.Tests;

/// <summary>
/// A sample's built executable (<c>dotnet samples/X/bin/&lt;configuration&gt;/net10.0/X.dll</c>) running as a
/// child process, its output captured; stopped with a signal, as a terminal (SIGINT) or systemd (SIGTERM) would.
/// </summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything the sample wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public static SampleProcess Start(string sample, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment) =>
        StartProgram("dotnet", [AssemblyOf(sample), .. arguments], environment);

    /// <summary>Runs <paramref name="program"/> itself (a published app, or qemu running one).</summary>
    public static SampleProcess StartProgram(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new SampleProcess(Process.Start(start)!);
    }

    /// <summary>The built sample: samples/<paramref name="sample"/>/bin/&lt;this test's configuration&gt;/net10.0/<paramref name="sample"/>.dll.</summary>
    public static string AssemblyOf(string sample)
    {
        var configuration = typeof(SampleProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(Repository.Root, "samples", sample, "bin", configuration, "net10.0", sample + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built: build tests/KvsProducer.Samples.Tests (it builds the samples).", path);
    }

    /// <summary>Waits for the sample to exit by itself; fails the test with its output if it does not within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"The sample did not exit within {timeout.TotalSeconds} s. Output:\n{Output}");
        }

        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/> (INT or TERM) and waits for the sample to stop gracefully.</summary>
    public async Task<int> StopAsync(string signal, TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
