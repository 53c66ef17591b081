using System.Diagnostics;

namespace KvsProducer.Media.Tests;

/// <summary>
/// The probe app (arm64-probe/KvsMediaProbe.csproj) published once per RID for the test run, and the
/// child processes that run it: under qemu-aarch64-static for linux-arm64, against another FFmpeg.
/// </summary>
internal static class ProbeApp
{
    private static readonly Dictionary<string, Lazy<string>> Published = new(StringComparer.Ordinal);

    /// <summary>The directory KvsMediaProbe is published to for <paramref name="rid"/> (linux-arm64 self-contained,
    /// linux-x64 framework-dependent); published on first use.</summary>
    public static string Publish(string rid)
    {
        Lazy<string> publish;
        lock (Published)
        {
            if (!Published.TryGetValue(rid, out publish!))
            {
                publish = new Lazy<string>(() => PublishNow(rid));
                Published[rid] = publish;
            }
        }

        return publish.Value;
    }

    private static string PublishNow(string rid)
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "arm64-probe-" + rid);
        string project = Path.Combine(RepositoryRoot(), "tests", "KvsProducer.Media.Tests", "arm64-probe", "KvsMediaProbe.csproj");
        string selfContained = rid == "linux-x64" ? "--no-self-contained" : "--self-contained";
        Run("dotnet", ["publish", project, "-r", rid, selfContained, "-c", "Release", "-o", directory, "-nodeReuse:false", "-v:q"], null, TimeSpan.FromMinutes(4));
        return directory;
    }

    public static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "native", "CMakeLists.txt")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No repository root (with native/CMakeLists.txt) above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs a program to completion; fails the test on a non-zero exit or a timeout.</summary>
    public static (string Output, string Errors) Run(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        (string output, string errors, int exitCode) = RunAllowingFailure(program, arguments, environment, timeout);
        Assert.That(exitCode, Is.Zero, $"{program} {string.Join(' ', arguments)} failed:\n{output}\n{errors}");
        return (output, errors);
    }

    /// <summary>Runs a program to completion (failing the test on a timeout only); its output and exit code.</summary>
    public static (string Output, string Errors, int ExitCode) RunAllowingFailure(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} did not finish within {timeout}.");
        }

        process.WaitForExit();
        return (output.Result, errors.Result, process.ExitCode);
    }
}
