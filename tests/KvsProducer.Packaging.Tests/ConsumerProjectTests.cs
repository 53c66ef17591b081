using System.Text.RegularExpressions;
using KvsProducer.Packaging.Tests.Support;

namespace KvsProducer.Packaging.Tests;

/// <summary>A fresh project that knows KvsProducer only through the folder feed, and the kvs tool installed from it.</summary>
public sealed class ConsumerProjectTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Fresh_project_restores_the_packages_from_a_folder_feed_and_streams_to_a_local_endpoint(CancellationToken cancellationToken)
    {
        var project = Path.Combine(PackageFeed.Current.WorkDirectory, "consumer");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var program = await FreshProject.BuildAsync(project, "Consumer", await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Consumer", "Program.cs"), cancellationToken), [], cancellationToken);
        var output = Path.GetDirectoryName(program)!;
        Assert.That(Path.Combine(output, "runtimes", "linux-arm64", "native", "libkvsmedia.so"), Does.Exist, "the portable app carries the arm64 library for a later move to a device");

        var built = clock.Elapsed;
        var run = await ProcessRunner.RunAsync("dotnet", [program, Path.Combine(project, "kvs-data")], project, cancellationToken);
        await TestContext.Out.WriteLineAsync($"restore and build: {built.TotalSeconds:0.0} s, run: {(clock.Elapsed - built).TotalSeconds:0.0} s\n{run.Output}");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());

        // 3 s of a 25 fps pattern with a key frame every second: 75 frames in 3 fragments, all persisted and stored.
        Assert.Multiple(() =>
        {
            Assert.That(Count(run.Output, "frames put"), Is.EqualTo(75), run.ToString());
            Assert.That(Count(run.Output, "fragments persisted"), Is.EqualTo(3), run.ToString());
            Assert.That(Count(run.Output, "fragments stored"), Is.EqualTo(3), run.ToString());
        });
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Kvs_tool_installs_from_the_folder_feed_and_packages_a_test_pattern(CancellationToken cancellationToken)
    {
        var feed = PackageFeed.Current;
        var work = Path.Combine(feed.WorkDirectory, "tool");
        Directory.CreateDirectory(work);
        var config = feed.WriteNuGetConfig(work);
        var toolPath = Path.Combine(work, "bin");
        await ProcessRunner.RunCheckedAsync("dotnet", ["tool", "install", "KvsProducer.Cli", "--version", feed.PackageVersion, "--tool-path", toolPath, "--configfile", config], work, cancellationToken);
        var kvs = Path.Combine(toolPath, "kvs");

        var help = await ProcessRunner.RunAsync(kvs, ["--help"], work, cancellationToken);
        Assert.That(help.ExitCode, Is.Zero, help.ToString());
        Assert.That(help.Output, Does.Contain("package").And.Contain("stream").And.Contain("local"));

        var mkv = Path.Combine(work, "x.mkv");
        var package = await ProcessRunner.RunAsync(kvs, ["package", "--source", "testsrc:?size=320x240&rate=25", "--duration", "2s", "-o", mkv], work, cancellationToken);
        Assert.That(package.ExitCode, Is.Zero, package.ToString());
        Assert.That(new FileInfo(mkv).Length, Is.GreaterThan(1000), package.ToString());
    }

    private static int Count(string output, string label)
    {
        var match = Regex.Match(output, $"^{Regex.Escape(label)}: (\\d+)$", RegexOptions.Multiline);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }
}
