using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvsProducer.Streaming.Tests;

namespace KvsProducer.Samples.Tests;

/// <summary>
/// Issue 7 item 5: HelloStream published for linux-arm64 (as build.cake's Publish-Arm64 does, with
/// libkvsmedia.so cross-built) and run under qemu-aarch64-static against the local endpoint on
/// loopback (qemu-user shares the host's network), as Arm64ProbeTests runs the media probe.
/// The two publishes take most of this project's time (≈ 20 s warm, more on a cold machine): the
/// category lets a quick run leave them out (<c>--filter TestCategory!=Arm64</c>).
/// </summary>
[NonParallelizable]
[Category("Arm64")]
public sealed class PublishArm64Tests
{
    private const string Qemu = "/usr/bin/qemu-aarch64-static";
    private static string s_publishRoot = string.Empty;

    [OneTimeSetUp]
    public static void PublishHelloStreamBothWays()
    {
        var missing = new[] { Qemu, "/usr/bin/aarch64-linux-gnu-gcc", "/usr/lib/aarch64-linux-gnu/pkgconfig/libavformat.pc", "/usr/lib/aarch64-linux-gnu/pkgconfig/libswscale.pc" }
            .Where(path => !File.Exists(path)).ToArray();
        if (missing.Length > 0)
        {
            Assert.Ignore($"linux-arm64 cross tools are absent ({string.Join(", ", missing)}): see toolchain.md, linux-arm64.");
        }

        s_publishRoot = Path.Combine(AppContext.BaseDirectory, "publish-arm64");
        var project = Path.Combine(Repository.Root, "samples", "HelloStream", "HelloStream.csproj");
        foreach (var kind in new[] { "self-contained", "framework-dependent" })
        {
            Run("dotnet", ["publish", project, "-r", "linux-arm64", "--self-contained", kind == "self-contained" ? "true" : "false", "-c", "Release",
                "-o", Path.Combine(s_publishRoot, kind), "--artifacts-path", Path.Combine(s_publishRoot, "obj"), "-nodeReuse:false", "-v:q"], TimeSpan.FromMinutes(4));
        }
    }

    [Test, CancelAfter(120_000)]
    public async Task Self_contained_arm64_HelloStream_streams_under_qemu()
    {
        var app = Path.Combine(s_publishRoot, "self-contained", "HelloStream");
        Assert.That(ElfMachine(app), Is.EqualTo(0xB7), "an AArch64 executable");

        await StreamsUnderQemuAsync("arm64-self-contained", [app], new Dictionary<string, string>());
    }

    [Test, CancelAfter(120_000)]
    public async Task Framework_dependent_arm64_HelloStream_streams_under_qemu_on_an_arm64_dotnet_runtime()
    {
        var directory = Path.Combine(s_publishRoot, "framework-dependent");
        Assert.That(File.Exists(Path.Combine(directory, "System.Private.CoreLib.dll")), Is.False, "framework-dependent: no runtime inside");
        Assert.That(ElfMachine(Path.Combine(directory, "libkvsmedia.so")), Is.EqualTo(0xB7), "the native library is the arm64 build");

        // No arm64 .NET is installed here (toolchain.md); the self-contained publish holds the same
        // runtime (Microsoft.NETCore.App for linux-arm64 from NuGet): lay it out as a DOTNET_ROOT.
        var dotnetRoot = ArmDotnetRootFromSelfContained();
        await StreamsUnderQemuAsync("arm64-framework-dependent", [Path.Combine(directory, "HelloStream")], new Dictionary<string, string> { ["DOTNET_ROOT"] = dotnetRoot });
    }

    private static async Task StreamsUnderQemuAsync(string stream, string[] command, Dictionary<string, string> environment)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var variables = local.AwsEnvironment();
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        using var sample = SampleProcess.StartProgram(Qemu, [.. command, stream, "3"], variables);
        var exit = await sample.WaitForExitAsync(TimeSpan.FromSeconds(100));

        Assert.That(exit, Is.Zero, sample.Output);
        Assert.That(await local.FragmentsAsync(stream), Has.Count.EqualTo(2), "3 s of test pattern in 2 s fragments, streamed from arm64");
    }

    /// <summary>host/fxr/V/libhostfxr.so and shared/Microsoft.NETCore.App/V/* taken from the self-contained publish (V: its runtime pack's version).</summary>
    private static string ArmDotnetRootFromSelfContained()
    {
        var selfContained = Path.Combine(s_publishRoot, "self-contained");
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(selfContained, "HelloStream.deps.json")));
        var runtimePack = deps.RootElement.GetProperty("libraries").EnumerateObject()
            .First(library => library.Name.StartsWith("runtimepack.Microsoft.NETCore.App.Runtime.linux-arm64/", StringComparison.Ordinal)).Name;
        var version = runtimePack[(runtimePack.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var root = Path.Combine(s_publishRoot, "dotnet-arm64");
        var framework = Path.Combine(root, "shared", "Microsoft.NETCore.App", version);
        var fxr = Path.Combine(root, "host", "fxr", version);
        Directory.CreateDirectory(framework);
        Directory.CreateDirectory(fxr);
        File.Copy(Path.Combine(selfContained, "libhostfxr.so"), Path.Combine(fxr, "libhostfxr.so"), overwrite: true);

        // hostfxr ignores a framework directory without its deps.json: write it from the runtime pack's entry in the app's.
        var rid = ".NETCoreApp,Version=v10.0/linux-arm64";
        var packAssets = JsonNode.Parse(deps.RootElement.GetProperty("targets").GetProperty(rid).GetProperty(runtimePack).GetRawText());
        var frameworkName = "Microsoft.NETCore.App.Runtime.linux-arm64/" + version;
        var frameworkDeps = new JsonObject
        {
            ["runtimeTarget"] = new JsonObject { ["name"] = rid, ["signature"] = string.Empty },
            ["compilationOptions"] = new JsonObject(),
            ["targets"] = new JsonObject { [".NETCoreApp,Version=v10.0"] = new JsonObject(), [rid] = new JsonObject { [frameworkName] = packAssets } },
            ["libraries"] = new JsonObject { [frameworkName] = new JsonObject { ["type"] = "package", ["serviceable"] = false, ["sha512"] = string.Empty } },
        };
        File.WriteAllText(Path.Combine(framework, "Microsoft.NETCore.App.deps.json"), frameworkDeps.ToJsonString());
        var appFiles = new HashSet<string>(Directory.GetFiles(Path.Combine(s_publishRoot, "framework-dependent")).Select(Path.GetFileName)!, StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(selfContained))
        {
            var name = Path.GetFileName(file);
            if (!appFiles.Contains(name) && name is not ("HelloStream" or "libhostfxr.so") && !name.StartsWith("HelloStream.", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(framework, name), overwrite: true);
            }
        }

        return root;
    }

    /// <summary>The ELF header's e_machine (0xB7 = AArch64, 0x3E = x86-64).</summary>
    private static int ElfMachine(string path)
    {
        var header = new byte[20];
        using (var file = File.OpenRead(path))
        {
            file.ReadExactly(header);
        }

        return header[18] | (header[19] << 8);
    }

    private static void Run(string program, string[] arguments, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} did not finish within {timeout}.");
        }

        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', arguments)} failed:\n{output.Result}\n{errors.Result}");
    }
}
