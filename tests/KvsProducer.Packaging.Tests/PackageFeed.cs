using KvsProducer.Packaging.Tests.Support;

namespace KvsProducer.Packaging.Tests;

/// <summary>
/// Packs the four packages once for every test in this assembly into a temporary folder feed, the
/// way build.cake's Pack target does, from the outputs the solution build left (built first only
/// when they are missing or older than their sources).
/// </summary>
/// <remarks>
/// Each run packs a version of its own (Directory.Build.props Version plus a pre-release suffix):
/// a restore never picks up an older package of the same version from the shared NuGet cache, and
/// the shared cache still serves every Microsoft.* dependency. Our packages are removed from the
/// cache again afterwards.
/// </remarks>
[SetUpFixture]
public sealed class PackageFeed
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(4);
    private static PackageFeed? _current;

    public static PackageFeed Current => _current ?? throw new InvalidOperationException("The package feed is created by the assembly's one-time set-up.");

    /// <summary>Root of everything this run writes (the feed, staged native libraries, the fresh project).</summary>
    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "kvs-packaging-" + Guid.NewGuid().ToString("N")[..12]);

    public string FeedDirectory => Path.Combine(WorkDirectory, "feed");

    public string PackageVersion { get; } = $"{Repository.Version}-packagetest.{DateTime.UtcNow:yyyyMMddHHmmss}";

    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(FeedDirectory, $"{id}.{PackageVersion}.{extension}");

    /// <summary>A nuget.config with the feed first and the machine's usual sources after it.</summary>
    public string WriteNuGetConfig(string directory)
    {
        var path = Path.Combine(directory, "nuget.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="kvsproducer-local" value="{FeedDirectory}" />
              </packageSources>
            </configuration>
            """);
        return path;
    }

    [OneTimeSetUp]
    public async Task PackAsync()
    {
        using var timeout = new CancellationTokenSource(PackTimeout);
        Directory.CreateDirectory(FeedDirectory);
        var nativeDirectory = await StageNativeLibrariesAsync(timeout.Token).ConfigureAwait(false);

        if (!Repository.PackedProjects.All(Repository.IsBuiltAndCurrent))
        {
            // The tool's build builds the three libraries too.
            await ProcessRunner.RunCheckedAsync("dotnet", ["build", Path.Combine("src", "KvsProducer.Cli", "KvsProducer.Cli.csproj"), "-c", Repository.Configuration, "--disable-build-servers", "-nologo", "-v:q"], Repository.Root, timeout.Token).ConfigureAwait(false);
        }

        foreach (var project in Repository.PackedProjects)
        {
            await ProcessRunner.RunCheckedAsync("dotnet",
            [
                "pack", Path.Combine("src", project, project + ".csproj"),
                "-c", Repository.Configuration, "--no-build", "-o", FeedDirectory,
                $"-p:PackageVersion={PackageVersion}",
                $"-p:KvsMediaNativeDir={nativeDirectory}",
                "--disable-build-servers", "-nologo", "-v:q",
            ], Repository.Root, timeout.Token).ConfigureAwait(false);
        }

        _current = this;
    }

    [OneTimeTearDown]
    public void Clean()
    {
        if (Directory.Exists(WorkDirectory))
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }

        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in Repository.PackedProjects)
        {
            var versions = Path.Combine(globalPackages, id.ToLowerInvariant());
            var extracted = Path.Combine(versions, PackageVersion);
            if (Directory.Exists(extracted))
            {
                Directory.Delete(extracted, recursive: true);
            }

            if (Directory.Exists(versions) && !Directory.EnumerateFileSystemEntries(versions).Any())
            {
                Directory.Delete(versions);
            }
        }
    }

    /// <summary>
    /// The native libraries KvsProducer.Media packs (its csproj takes them from
    /// $(KvsMediaNativeDir)/build/&lt;rid&gt;), staged in a folder of this run: the linux-x64 one the
    /// solution build made, and the linux-arm64 one Native-Arm64 made, or a private cross-build when
    /// it is missing or stale — not in native/build/linux-arm64, which the Media tests' arm64 probe
    /// may be building at the same moment — and the FFmpeg 7 builds from native/build/&lt;rid&gt;-ffmpeg7.
    /// </summary>
    private async Task<string> StageNativeLibrariesAsync(CancellationToken cancellationToken)
    {
        var native = Path.Combine(Repository.Root, "native");
        var staged = Path.Combine(WorkDirectory, "native");
        var x64 = Path.Combine(native, "build", "linux-x64", "libkvsmedia.so");
        if (!File.Exists(x64))
        {
            throw new InvalidOperationException($"{x64} is missing: build the solution (./build.sh --target=Build) before these tests.");
        }

        Copy(x64, Path.Combine(staged, "build", "linux-x64", "libkvsmedia.so"));

        var arm64 = Path.Combine(native, "build", "linux-arm64", "libkvsmedia.so");
        var newestSource = Directory.EnumerateFiles(native, "*.*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(Path.Combine(native, "build"), StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
        if (!File.Exists(arm64) || File.GetLastWriteTimeUtc(arm64) < newestSource)
        {
            var build = Path.Combine(WorkDirectory, "native-build-linux-arm64");
            var toolchain = Path.Combine(native, "cmake", "aarch64-linux-gnu.cmake");
            await ProcessRunner.RunCheckedAsync("cmake", ["-S", native, "-B", build, "-DCMAKE_BUILD_TYPE=Release", $"-DCMAKE_TOOLCHAIN_FILE={toolchain}"], Repository.Root, cancellationToken).ConfigureAwait(false);
            await ProcessRunner.RunCheckedAsync("cmake", ["--build", build, "--parallel"], Repository.Root, cancellationToken).ConfigureAwait(false);
            arm64 = Path.Combine(build, "libkvsmedia.so");
        }

        Copy(arm64, Path.Combine(staged, "build", "linux-arm64", "libkvsmedia.so"));

        // The FFmpeg 7 builds (Cake's Native-Ffmpeg7) as they are; a test names them when they are missing.
        foreach (var rid in new[] { "linux-x64", "linux-arm64" })
        {
            var ffmpeg7 = Path.Combine(native, "build", rid + "-ffmpeg7", "libkvsmedia-ffmpeg7.so");
            if (File.Exists(ffmpeg7))
            {
                Copy(ffmpeg7, Path.Combine(staged, "build", rid + "-ffmpeg7", "libkvsmedia-ffmpeg7.so"));
            }
        }

        return staged;
    }

    private static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Copy(source, destination);
    }
}
