using System.Diagnostics;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// The built <c>kvs</c> run as its own process (<c>dotnet kvs.dll</c>), with an environment of the
/// test's choosing: HOME (for ~/.aws files) and AWS_* variables cannot be changed inside the test process.
/// </summary>
internal static class KvsProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string home, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Start(home, environment, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts <c>kvs</c> with its output redirected; the caller reads it and waits (e.g. to signal it meanwhile).</summary>
    public static Process Start(string home, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kvs.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing from the machine's own AWS setup may leak in: only what the test gives.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = home;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }
}
