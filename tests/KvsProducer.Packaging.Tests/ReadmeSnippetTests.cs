using System.Diagnostics;
using System.Text.RegularExpressions;
using KvsProducer.Packaging.Tests.Support;

namespace KvsProducer.Packaging.Tests;

/// <summary>
/// Every C# block of the README and the package READMEs, pasted unchanged into a fresh console app
/// that knows KvsProducer only through the packed packages, built and run against a local endpoint.
/// </summary>
public sealed class ReadmeSnippetTests
{
    private static readonly SemaphoreSlim s_hostBuild = new(1, 1);
    private static string? s_hostDll;

    /// <summary>How each snippet is run; a README block without a plan here fails, so a new one gets one.</summary>
    private static readonly Dictionary<string, SnippetRun> s_runs = new()
    {
        ["README.md#0"] = new(["testsrc:?size=320x240&rate=25"], NeedsEndpoint: true, InterruptAfter: TimeSpan.FromSeconds(6)),
        ["README.md#1"] = new([], NeedsEndpoint: true, InterruptAfter: null)
        {
            Packages = [new("Microsoft.Extensions.DependencyInjection", "10.0.0"), new("Microsoft.Extensions.Configuration.Json", "10.0.0")],
            Files = new Dictionary<string, string>
            {
                // What the snippet's comment shows.
                ["appsettings.json"] = """{ "Kvs": { "Producer": { "Region": "us-west-2" }, "Stream": { "Name": "front-door", "CreateIfMissing": true } } }""",
            },
        },
        ["src/KvsProducer/README.md#0"] = new([$"file:{Path.Combine(Repository.Root, "tests", "data", "h264-640x480.h264")}?fps=25"], NeedsEndpoint: true, InterruptAfter: null),
        ["src/KvsProducer.Media/README.md#0"] = new(["testsrc:?size=320x240&rate=25"], NeedsEndpoint: true, InterruptAfter: null),
        ["src/KvsProducer.Media/README.md#1"] = new(["testsrc:?size=320x240&rate=25&audio=aac"], NeedsEndpoint: true, InterruptAfter: null),
        ["src/KvsProducer.LocalEndpoint/README.md#0"] = new([], NeedsEndpoint: false, InterruptAfter: null),
    };

    private static IEnumerable<string> Snippets() => ReadmeSnippet.All().Select(s => s.Name);

    [Test]
    public void Every_readme_has_its_csharp_blocks_run_by_these_tests()
    {
        var snippets = ReadmeSnippet.All().Select(s => s.Name).ToList();
        Assert.That(snippets, Is.EquivalentTo(s_runs.Keys), "each ```csharp block needs a run plan in ReadmeSnippetTests");
    }

    [TestCaseSource(nameof(Snippets))]
    [CancelAfter(300_000)]
    public async Task Readme_snippet_builds_unchanged_against_the_packages_and_streams_to_a_local_endpoint(string name, CancellationToken cancellationToken)
    {
        var snippet = ReadmeSnippet.All().Single(s => s.Name == name);
        var run = s_runs[snippet.Name];
        var work = Path.Combine(PackageFeed.Current.WorkDirectory, "snippet-" + Regex.Replace(snippet.Name, "[^A-Za-z0-9]+", "-"));
        var program = await BuildAsync(work, snippet.Code, cancellationToken, run.Packages);
        foreach (var (file, content) in run.Files ?? new Dictionary<string, string>())
        {
            // Beside the program, where a project's build copies its appsettings.json.
            await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(program)!, file), content, cancellationToken);
        }

        await using var endpoint = run.NeedsEndpoint ? await EndpointHost.StartAsync(await BuildHostAsync(cancellationToken), Path.Combine(work, "endpoint-data"), cancellationToken) : null;
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDSNIPPETTEST",
            ["AWS_SECRET_ACCESS_KEY"] = "snippet-test-secret",
            ["AWS_CONFIG_FILE"] = Path.Combine(work, "no-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(work, "no-credentials"),
        };
        if (endpoint is not null)
        {
            environment["AWS_ENDPOINT_URL"] = endpoint.Url.ToString();
        }

        var result = await RunAsync(program, run, work, environment, cancellationToken);
        await TestContext.Out.WriteLineAsync(result.ToString());
        Assert.That(result.ExitCode, Is.Zero, result.ToString());

        if (endpoint is not null)
        {
            var fragments = await endpoint.ListFragmentsAsync("front-door", cancellationToken);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            Assert.Multiple(() =>
            {
                Assert.That(fragments, Has.Count.GreaterThanOrEqualTo(2), result.ToString());
                Assert.That(fragments.Select(f => f.GetProperty("ProducerTimestamp").GetDouble()), Has.All.InRange(now - 120, now + 1), "fragments carry the time they were streamed, not 1970 nor the future");
                Assert.That(result.Error, Does.Not.Contain("ERROR 4007"), "a non-live source is paced to real time");
            });
        }
        else
        {
            var summary = Regex.Match(result.Output, @"persisted (\d+) frames over (\d+) sessions");
            Assert.That(summary.Success, result.ToString());
            Assert.Multiple(() =>
            {
                Assert.That(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(150), "8 s at 25 fps, everything accepted persisted");
                Assert.That(int.Parse(summary.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(2), "the fault cut a session and the producer reconnected");
                Assert.That(result.Output, Does.Contain("recovering:"));
            });
        }
    }

    /// <summary>A console app with the snippet as its Program.cs, the three library packages and those the plan names.</summary>
    private static Task<string> BuildAsync(string project, string programSource, CancellationToken cancellationToken, IReadOnlyList<PackageReference>? otherPackages = null) =>
        FreshProject.BuildAsync(project, "App", programSource, otherPackages ?? [], cancellationToken);

    private static async Task<string> BuildHostAsync(CancellationToken cancellationToken)
    {
        await s_hostBuild.WaitAsync(cancellationToken);
        try
        {
            s_hostDll ??= await BuildAsync(
                Path.Combine(PackageFeed.Current.WorkDirectory, "endpoint-host"),
                await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "EndpointHost", "Program.cs"), cancellationToken),
                cancellationToken);
            return s_hostDll;
        }
        finally
        {
            s_hostBuild.Release();
        }
    }

    /// <summary>Runs the app; presses Ctrl+C (SIGINT) when the plan says, and gives it 60 s to finish after that.</summary>
    private static async Task<ProcessResult> RunAsync(string program, SnippetRun run, string workingDirectory, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(program);
        foreach (var argument in run.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the snippet.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter((run.InterruptAfter ?? TimeSpan.Zero) + TimeSpan.FromSeconds(60));
        try
        {
            if (run.InterruptAfter is { } after)
            {
                await Task.Delay(after, cancellationToken);
                using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync(cancellationToken);
            }

            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"The snippet did not finish in time.\n--- stdout ---\n{await output}\n--- stderr ---\n{await error}");
        }

        return new ProcessResult(string.Join(' ', start.ArgumentList), process.ExitCode, await output, await error);
    }
}
