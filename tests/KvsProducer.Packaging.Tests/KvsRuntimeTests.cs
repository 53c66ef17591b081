using System.Text.Json;
using KvsProducer.Packaging.Tests.Support;

namespace KvsProducer.Packaging.Tests;

/// <summary>
/// Issue 13: <c>kvs</c> on the runtimes a device has — the plain .NET runtime without ASP.NET Core, and the
/// NativeAOT binaries for linux-x64 and linux-arm64 (under qemu-aarch64-static) that Cake's Publish-Aot
/// releases — each streaming to <c>kvs local</c> started apart, read back with curl and counted by ffprobe.
/// </summary>
[NonParallelizable] // a real-time stream each, and arm64 under emulation: on two cores they would slow each other down
public sealed class KvsRuntimeTests
{
    private const string TestPattern = "testsrc:?size=320x240&rate=25";
    private string _work = null!;
    private LocalEndpointProcess _endpoint = null!;
    private PlainDotnetRuntime _plainRuntime = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _work = Directory.CreateTempSubdirectory("kvs-runtime-").FullName;
        _plainRuntime = await PlainDotnetRuntime.CreateAsync(_work, timeout.Token);
        _endpoint = await LocalEndpointProcess.StartAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _endpoint.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Test, CancelAfter(30_000)]
    public async Task The_runtime_only_installation_has_no_ASP_NET_Core(CancellationToken cancellationToken)
    {
        var runtimes = await ProcessRunner.RunCheckedAsync(_plainRuntime.Dotnet, ["--list-runtimes"], _work, cancellationToken, _plainRuntime.Environment);

        Assert.That(runtimes.Output, Does.Contain("Microsoft.NETCore.App").And.Not.Contain("Microsoft.AspNetCore.App"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_streams_on_the_plain_dotnet_runtime_without_ASP_NET_Core(CancellationToken cancellationToken)
    {
        var kvs = Repository.BuiltAssembly("KvsProducer.Cli");

        var run = await ProcessRunner.RunAsync(_plainRuntime.Dotnet, [kvs, .. StreamArguments("plain-runtime", "3s")], _work, cancellationToken, _plainRuntime.Environment);

        await AssertStreamedAndReadBackAsync(run, "plain-runtime", cancellationToken);
    }

    [Test, CancelAfter(30_000)]
    public async Task Kvs_local_without_ASP_NET_Core_names_the_missing_framework_and_how_to_install_it(CancellationToken cancellationToken)
    {
        var kvs = Repository.BuiltAssembly("KvsProducer.Cli");

        var run = await ProcessRunner.RunAsync(_plainRuntime.Dotnet, [kvs, "local", "--port", "0"], _work, cancellationToken, _plainRuntime.Environment);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), run.ToString());
            Assert.That(run.Error, Does.StartWith("kvs local: the local endpoint needs the ASP.NET Core runtime (Microsoft.AspNetCore.App 10.0)")
                .And.Contain($"not installed in {_plainRuntime.Root}")
                .And.Contain("apt-get install -y aspnetcore-runtime-10.0")
                .And.Contain($"--runtime aspnetcore --channel 10.0 --install-dir {_plainRuntime.Root}"));
        });
    }

    [Test, CancelAfter(60_000)]
    public async Task NativeAOT_kvs_for_linux_x64_streams_to_a_local_endpoint(CancellationToken cancellationToken)
    {
        var run = await ProcessRunner.RunAsync(AotBinary("linux-x64"), StreamArguments("aot-x64", "3s"), _work, cancellationToken);

        await AssertStreamedAndReadBackAsync(run, "aot-x64", cancellationToken);
    }

    [Test, CancelAfter(120_000)]
    public async Task NativeAOT_kvs_for_linux_arm64_streams_under_qemu(CancellationToken cancellationToken)
    {
        // Emulated: 2 s of a small test pattern, encoded by the arm64 FFmpeg (multiarch) under qemu.
        var run = await ProcessRunner.RunAsync("qemu-aarch64-static", [AotBinary("linux-arm64"), .. StreamArguments("aot-arm64", "2s")], _work, cancellationToken);

        await AssertStreamedAndReadBackAsync(run, "aot-arm64", cancellationToken);
    }

    [Test, CancelAfter(30_000)]
    public async Task NativeAOT_kvs_local_says_the_endpoint_is_not_in_the_device_build(CancellationToken cancellationToken)
    {
        var run = await ProcessRunner.RunAsync(AotBinary("linux-x64"), ["local"], _work, cancellationToken);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.StartWith("kvs local: this NativeAOT kvs is built for devices and carries no local endpoint").And.Contain("dotnet tool install -g KvsProducer.Cli"));
    }

    [TestCase("linux-x64", "Advanced Micro Devices X86-64")]
    [TestCase("linux-arm64", "AArch64")]
    public async Task Release_tarball_holds_the_native_kvs_and_libkvsmedia_for_its_processor(string rid, string machine)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var tarball = Path.Combine(Repository.Root, "artifacts", "release", $"kvs-{rid}.tar.gz");
        Assert.That(tarball, Does.Exist, "run ./build.sh --target=Publish-Aot first");
        var unpacked = Directory.CreateDirectory(Path.Combine(_work, "release-" + rid)).FullName;

        await ProcessRunner.RunCheckedAsync("tar", ["-xzf", tarball, "-C", unpacked], _work, timeout.Token);

        Assert.That(Directory.GetFiles(unpacked).Select(Path.GetFileName), Is.EquivalentTo(new[] { "kvs", "libkvsmedia.so", "libkvsmedia-ffmpeg7.so" }));
        foreach (var file in Directory.GetFiles(unpacked))
        {
            // readelf (binutils), not our code, says which processor each binary is built for.
            var header = await ProcessRunner.RunCheckedAsync("readelf", ["-h", file], unpacked, timeout.Token);
            Assert.That(header.Output, Does.Match($@"Machine:\s+{machine}"), file);
        }
    }

    private string[] StreamArguments(string streamName, string duration) =>
        ["stream", "-s", TestPattern, "-n", streamName, "--create", "--duration", duration, "--json", "--access-key", "AKIDRUNTIME", "--secret-key", "runtime-secret", "--endpoint-url", _endpoint.Url.ToString()];

    private async Task AssertStreamedAndReadBackAsync(ProcessResult run, string streamName, CancellationToken cancellationToken)
    {
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        using var report = JsonDocument.Parse(run.Output);
        var persisted = report.RootElement.GetProperty("FramesPersisted").GetInt64();
        Assert.That(persisted, Is.EqualTo(report.RootElement.GetProperty("FramesPut").GetInt64()).And.GreaterThanOrEqualTo(45), run.ToString());

        var readBack = await _endpoint.CountFramesReadBackAsync(streamName, _work, cancellationToken);

        Assert.That(readBack, Is.EqualTo(persisted));
    }

    /// <summary>The binary Cake's Publish-Aot made (Test depends on it); its absence is a failure, not a skip.</summary>
    private static string AotBinary(string rid)
    {
        var path = Path.Combine(Repository.Root, "artifacts", "kvs-aot", rid, "kvs");
        return File.Exists(path) ? path : throw new FileNotFoundException($"No NativeAOT kvs at {path}: run ./build.sh --target=Publish-Aot first (./build.sh --target=Test does).", path);
    }
}
