namespace KvsProducer.Media.Tests;

/// <summary>
/// Debian 13's FFmpeg 7.1 runtime as native/ffmpeg7-sysroot.sh unpacks it (not installed): the tree
/// holds the whole dependency closure down to trixie's glibc, whose loader a probe app is pointed at
/// (patchelf --set-interpreter on a copy of its apphost), so the process runs with trixie's libraries
/// only — libavfilter 10 needs glibc 2.38, newer than this Debian 12 machine's.
/// </summary>
internal sealed class Ffmpeg7Runtime
{
    private Ffmpeg7Runtime(string tree, string loader, string libraryPath)
    {
        Tree = tree;
        Loader = loader;
        LibraryPath = libraryPath;
    }

    public string Tree { get; }

    public string Loader { get; }

    /// <summary>The tree's library directory and its subdirectories holding libraries (blas, lapack,
    /// pulseaudio: Debian reaches them through alternatives symlinks and RUNPATHs that dpkg -x does not set up).</summary>
    public string LibraryPath { get; }

    /// <param name="debianArchitecture">amd64 or arm64.</param>
    public static Ffmpeg7Runtime For(string debianArchitecture)
    {
        string tree = Path.Combine(ProbeApp.RepositoryRoot(), "native", "build", "ffmpeg7-sysroot", debianArchitecture);
        string triplet = debianArchitecture == "amd64" ? "x86_64-linux-gnu" : "aarch64-linux-gnu";
        string libraries = Path.Combine(tree, "usr", "lib", triplet);
        string loader = Path.Combine(libraries, debianArchitecture == "amd64" ? "ld-linux-x86-64.so.2" : "ld-linux-aarch64.so.1");
        if (!File.Exists(Path.Combine(tree, ".complete")) || !File.Exists(loader))
        {
            Assert.Fail($"Debian 13's FFmpeg 7.1 is not unpacked in {tree}: run native/ffmpeg7-sysroot.sh amd64 arm64 (or ./build.sh --target=Native-Ffmpeg7).");
        }

        IEnumerable<string> withLibraries = Directory.EnumerateDirectories(libraries)
            .Where(directory => Directory.EnumerateFiles(directory, "*.so.*").Any());
        return new Ffmpeg7Runtime(tree, loader, string.Join(':', withLibraries.Prepend(libraries)));
    }

    /// <summary>A copy of the published probe's apphost that starts under this tree's loader.</summary>
    public string PatchedProbe(string publishDirectory)
    {
        string probe = Path.Combine(publishDirectory, "KvsMediaProbe-ffmpeg7");
        // The apphost runs the KvsMediaProbe.dll written into it, whatever the copy is called.
        File.Copy(Path.Combine(publishDirectory, "KvsMediaProbe"), probe, overwrite: true);
        ProbeApp.Run("patchelf", ["--set-interpreter", Loader, probe], null, TimeSpan.FromSeconds(30));
        return probe;
    }

    /// <summary>The probe's report split per source (each begins with its "track" line).</summary>
    public static string[] Sections(string report) =>
        report.Split("track ", StringSplitOptions.RemoveEmptyEntries).Select(section => "track " + section).ToArray();
}
