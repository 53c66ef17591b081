// KvsProducer build script (Cake). Run through ./build.sh, which installs what is missing first.
//   ./build.sh --target=Build | Test | Demo | Bench | Native | Native-Arm64 | Native-Ffmpeg7 | Pack | Publish-Arm64 | Publish-Aot | Soak
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var benchFilter = Argument("bench-filter", "*");
var solution = "./KvsProducer.sln";
var artifacts = MakeAbsolute(Directory("./artifacts"));

// native/README.md: the same commands src/KvsProducer.Media runs before it builds.
// ffmpegSysroot: an unpacked Debian tree (native/ffmpeg7-sysroot.sh) to build against instead of the system's FFmpeg.
void BuildNative(string rid, string toolchain, string ffmpegSysroot = null, string buildName = null)
{
    var build = $"native/build/{buildName ?? rid}";
    var configure = $"-S native -B {build} -DCMAKE_BUILD_TYPE=Release" + (toolchain is null ? "" : $" -DCMAKE_TOOLCHAIN_FILE={toolchain}")
        + (ffmpegSysroot is null ? "" : $" -DKVSMEDIA_FFMPEG_SYSROOT={MakeAbsolute(Directory(ffmpegSysroot)).FullPath}");
    foreach (var arguments in new[] { configure, $"--build {build} --parallel" })
    {
        if (StartProcess("cmake", new ProcessSettings { Arguments = arguments }) != 0)
        {
            throw new Exception($"cmake {arguments} failed.");
        }
    }

    Information($"{build}: " + string.Join(", ", GetFiles($"{build}/libkvsmedia*.so").Select(f => f.GetFilename().ToString())));
}

Task("Native")
    .Description("Builds libkvsmedia for linux-x64.")
    .Does(() => BuildNative("linux-x64", null));

Task("Native-Arm64")
    .Description("Cross-builds libkvsmedia for linux-arm64 (native/cmake/aarch64-linux-gnu.cmake).")
    .Does(() => BuildNative("linux-arm64", MakeAbsolute(File("native/cmake/aarch64-linux-gnu.cmake")).FullPath)); // cmake reads a relative toolchain path against the build tree

Task("Native-Ffmpeg7")
    .Description("Builds libkvsmedia-ffmpeg7.so for linux-x64 and linux-arm64 against Debian 13's FFmpeg 7.1, downloaded and unpacked (not installed) by native/ffmpeg7-sysroot.sh into native/build/ffmpeg7-sysroot.")
    .Does(() =>
{
    if (StartProcess("bash", new ProcessSettings { Arguments = "native/ffmpeg7-sysroot.sh amd64 arm64" }) != 0)
    {
        throw new Exception("native/ffmpeg7-sysroot.sh failed (see above).");
    }

    BuildNative("linux-x64", null, "native/build/ffmpeg7-sysroot/amd64", "linux-x64-ffmpeg7");
    BuildNative("linux-arm64", MakeAbsolute(File("native/cmake/aarch64-linux-gnu.cmake")).FullPath, "native/build/ffmpeg7-sysroot/arm64", "linux-arm64-ffmpeg7");
});

Task("Publish-Arm64")
    .Description("Publishes every sample for linux-arm64, framework-dependent and self-contained, into artifacts/publish/<sample>/<kind>.")
    .IsDependentOn("Native-Arm64")
    .Does(() =>
{
    foreach (var project in GetFiles("./samples/*/*.csproj"))
    {
        var sample = project.GetFilenameWithoutExtension().ToString();
        foreach (var selfContained in new[] { false, true })
        {
            // framework-dependent needs the .NET 10 runtime on the device; self-contained carries it.
            var output = artifacts.Combine($"publish/{sample}/{(selfContained ? "self-contained" : "framework-dependent")}");
            CleanDirectory(output);
            DotNetPublish(project.FullPath, new DotNetPublishSettings
            {
                Configuration = configuration,
                Runtime = "linux-arm64",
                SelfContained = selfContained,
                OutputDirectory = output,
                NoLogo = true,
                Verbosity = DotNetVerbosity.Minimal,
                // Apart from the x64 build's obj/ and bin/, so both can coexist.
                ArgumentCustomization = arguments => arguments.Append("--artifacts-path").AppendQuoted(artifacts.Combine("publish-obj").FullPath),
            });
            Information($"{output.FullPath}");
        }
    }
});

// The NativeAOT kvs, a release artifact per device processor (issue 13): the streaming verbs in one binary with
// libkvsmedia*.so beside it and no .NET to install (`kvs local` is left out: LocalEndpointHost). arm64 is linked
// with clang and the cross objcopy (the csproj sets ObjCopyName). Test depends on it: KvsRuntimeTests run these binaries.
Task("Publish-Aot")
    .Description("Publishes the NativeAOT kvs for linux-x64 and linux-arm64 into artifacts/kvs-aot/<rid> and artifacts/release/kvs-<rid>.tar.gz (kvs + libkvsmedia*.so).")
    .IsDependentOn("Native")
    .IsDependentOn("Native-Arm64")
    .IsDependentOn("Native-Ffmpeg7")
    .Does(() =>
{
    var release = artifacts.Combine("release");
    EnsureDirectoryExists(release);
    foreach (var rid in new[] { "linux-x64", "linux-arm64" })
    {
        var output = artifacts.Combine($"kvs-aot/{rid}");
        CleanDirectory(output);
        DotNetPublish("./src/KvsProducer.Cli/KvsProducer.Cli.csproj", new DotNetPublishSettings
        {
            Configuration = configuration,
            Runtime = rid,
            OutputDirectory = output,
            NoLogo = true,
            Verbosity = DotNetVerbosity.Minimal,
            MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PublishAot", "true"),
            // Apart from the solution build's obj/ and bin/ (as Publish-Arm64), so both can coexist.
            ArgumentCustomization = arguments => arguments.Append("--artifacts-path").AppendQuoted(artifacts.Combine("aot-obj").FullPath),
        });

        var files = new[] { "kvs" }.Concat(GetFiles(output.FullPath + "/libkvsmedia*.so").Select(f => f.GetFilename().ToString())).ToArray();
        var tarball = release.CombineWithFilePath($"kvs-{rid}.tar.gz");
        if (StartProcess("tar", new ProcessSettings { Arguments = $"-czf {tarball.FullPath} -C {output.FullPath} {string.Join(" ", files)}" }) != 0)
        {
            throw new Exception($"tar of {output.FullPath} failed.");
        }

        Information("{0}: {1} ({2:0.0} MB; kvs {3:0.0} MB)", rid, tarball.GetFilename(), new System.IO.FileInfo(tarball.FullPath).Length / 1e6, new System.IO.FileInfo(output.CombineWithFilePath("kvs").FullPath).Length / 1e6);
    }
});

Task("Build")
    .Description("Builds the native library and every managed project.")
    .IsDependentOn("Native")
    .IsDependentOn("Native-Ffmpeg7") // before the managed build, which copies libkvsmedia-ffmpeg7.so next to the assemblies
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration,
        NoLogo = true,
        Verbosity = DotNetVerbosity.Minimal,
    });
});

Task("Clients")
    .Description("Installs the npm clients the endpoint tests run (tests/clients/js, from its package-lock.json).")
    .Does(() =>
{
    if (StartProcess("npm", new ProcessSettings { Arguments = "ci --no-audit --no-fund", WorkingDirectory = "tests/clients/js" }) != 0)
    {
        throw new Exception("npm ci in tests/clients/js failed.");
    }
});

Task("Test")
    .Description("Builds everything and runs every test; prints one 'N passed, N failed' line.")
    .IsDependentOn("Build")
    .IsDependentOn("Clients")
    .IsDependentOn("Native-Arm64") // built once here, so the arm64 tests never race to build it
    .IsDependentOn("Publish-Aot") // the NativeAOT kvs binaries KvsRuntimeTests run (x64, and arm64 under qemu)
    .Does(() =>
{
    var results = artifacts.Combine("test-results");
    CleanDirectory(results);
    var failed = false;
    try
    {
        DotNetTest(solution, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoLogo = true,
            Loggers = new[] { "trx", "console;verbosity=minimal" },
            ResultsDirectory = results,
        });
    }
    catch (Exception)
    {
        failed = true;
    }

    // One plain closing line over every test project, as CI reads it.
    long passed = 0, failedCount = 0, skipped = 0;
    foreach (var trx in GetFiles(results.FullPath + "/**/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        passed += (long)counters.Attribute("passed");
        failedCount += (long)counters.Attribute("failed") + (long)counters.Attribute("error") + (long)counters.Attribute("timeout") + (long)counters.Attribute("aborted");
        skipped += (long)counters.Attribute("notExecuted");
    }

    Console.WriteLine($"Tests: {passed} passed, {failedCount} failed, {skipped} skipped");
    if (failed || failedCount > 0 || passed == 0)
    {
        throw new Exception("Tests failed (see above).");
    }
});

Task("Demo")
    .Description("Streams 20 s of a camera-like source through the whole pipeline to a local endpoint, with one connection drop, and reads it back.")
    .IsDependentOn("Build")
    .Does(() =>
{
    var output = artifacts.Combine("demo");
    EnsureDirectoryExists(output);
    var kvs = $"./src/KvsProducer.Cli/bin/{configuration}/net10.0/kvs.dll";
    if (StartProcess("dotnet", new ProcessSettings { Arguments = $"{kvs} demo --output {output}" }) != 0)
    {
        throw new Exception("kvs demo failed (see above).");
    }

    var playable = output.CombineWithFilePath("kvs-demo.mkv");
    Information("ffprobe reads the file back as:");
    StartProcess("ffprobe", new ProcessSettings
    {
        Arguments = $"-v error -count_frames -select_streams v:0 -show_entries stream=codec_name,profile,width,height,nb_read_frames -of default=noprint_wrappers=1 {playable}",
    });
});

Task("Bench")
    .Description("Runs the BenchmarkDotNet benchmarks (--bench-filter=PATTERN to choose).")
    .Does(() =>
{
    DotNetRun("./tests/KvsProducer.Benchmarks/KvsProducer.Benchmarks.csproj", new ProcessArgumentBuilder().Append("--filter").AppendQuoted(benchFilter), new DotNetRunSettings
    {
        Configuration = "Release",
    });
});

// Device footprint (issue 14, docs/benchmarks.md "Device footprint"): the harness streams looped 4 Mbit/s frames to
// `kvs local` in its own process, as JIT and as NativeAOT, and prints CPU-s per media minute, max RSS and time to
// first PutMedia. --footprint-args passes harness options (default: 3 runs of 60 s Realtime).
Task("Footprint")
    .Description("Measures a streaming device's CPU, RSS and start-up (JIT and NativeAOT); --footprint-args='--mode offline --seconds 120'.")
    .Does(() =>
{
    var footprintArgs = Argument("footprint-args", "--runs 3 --seconds 60");
    var harness = "./tests/KvsProducer.Footprint/KvsProducer.Footprint.csproj";
    var output = artifacts.Combine("footprint");
    DotNetBuild("./src/KvsProducer.Cli/KvsProducer.Cli.csproj", new DotNetBuildSettings { Configuration = "Release", OutputDirectory = output.Combine("kvs") });
    DotNetBuild(harness, new DotNetBuildSettings { Configuration = "Release", OutputDirectory = output.Combine("jit") });
    DotNetPublish(harness, new DotNetPublishSettings
    {
        Configuration = "Release",
        Runtime = "linux-x64",
        OutputDirectory = output.Combine("aot"),
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PublishAot", "true"),
    });
    foreach (var variant in new[] { "jit", "aot" })
    {
        Information($"Footprint, {variant}:");
        var exe = output.Combine(variant).CombineWithFilePath("KvsProducer.Footprint").FullPath;
        var kvs = output.Combine("kvs").CombineWithFilePath("kvs").FullPath;
        if (StartProcess(exe, new ProcessSettings { Arguments = $"measure --kvs {kvs} --producer {exe} {footprintArgs}" }) != 0)
        {
            throw new Exception($"The footprint harness ({variant}) failed.");
        }
    }
});

// Fault soak (issue 11, docs/fault-suite.md): kvs stream against kvs local in a private network namespace with a
// 25 s blackout every minute; prints exactly-once accounting, recovery and the producer's RSS. Not part of Test.
Task("Soak")
    .Description("Runs the fault soak: --soak-minutes=30 of kvs stream with a 25 s blackout each minute (needs root for unshare -n).")
    .Does(() =>
{
    var output = artifacts.Combine("soak");
    DotNetBuild("./src/KvsProducer.Cli/KvsProducer.Cli.csproj", new DotNetBuildSettings { Configuration = "Release", OutputDirectory = output.Combine("kvs") });
    var minutes = Argument("soak-minutes", 30);
    var script = "tests/KvsProducer.FaultTests/faults/soak.sh";
    if (StartProcess("bash", new ProcessSettings { Arguments = $"{script} {output.Combine("kvs").CombineWithFilePath("kvs.dll")} {output.Combine("result")} {minutes}" }) != 0)
    {
        throw new Exception("The fault soak failed (see above).");
    }
});

Task("Pack")
    .Description("Packs KvsProducer, KvsProducer.Media (linux-x64 and linux-arm64 native libraries), KvsProducer.LocalEndpoint and the kvs tool into artifacts/packages.")
    .IsDependentOn("Native")
    .IsDependentOn("Native-Arm64")
    .IsDependentOn("Native-Ffmpeg7")
    .Does(() =>
{
    var packages = artifacts.Combine("packages");
    CleanDirectory(packages);

    // Directory.Build.props Version unless --package-version=X.Y.Z[-suffix] says otherwise (a release or CI build).
    var packageVersion = Argument<string>("package-version", null);
    var msbuild = new DotNetMSBuildSettings();
    if (!string.IsNullOrEmpty(packageVersion))
    {
        msbuild.WithProperty("PackageVersion", packageVersion);
    }

    // The tool is packed first: its build builds the three libraries, which are then packed as built.
    var projects = new[] { "KvsProducer.Cli", "KvsProducer", "KvsProducer.Media", "KvsProducer.LocalEndpoint" };
    foreach (var project in projects)
    {
        DotNetPack($"./src/{project}/{project}.csproj", new DotNetPackSettings
        {
            Configuration = configuration,
            OutputDirectory = packages,
            NoBuild = project != projects[0],
            NoLogo = true,
            Verbosity = DotNetVerbosity.Minimal,
            MSBuildSettings = msbuild,
        });
    }

    foreach (var package in GetFiles(packages.FullPath + "/*.*nupkg"))
    {
        Information("{0} ({1} KiB)", package.GetFilename(), new System.IO.FileInfo(package.FullPath).Length / 1024);
    }
});

RunTarget(target);
