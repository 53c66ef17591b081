using KvsProducer.Media.Internal;

namespace KvsProducer.Media.Tests;

/// <summary>
/// A system without FFmpeg, for real: the x64 probe app runs once in a mount namespace where the
/// system's library directory is hidden under an empty folder, with trixie's loader and a fake library
/// directory holding Debian 13's libraries minus every FFmpeg one (libav*, libsw*, libpostproc*).
/// Opening a source must fail with MediaSourceException(NativeLibraryMissing) naming every soname looked
/// for, none found, and the apt command for this system's /etc/os-release.
/// </summary>
[NonParallelizable]
public sealed class NativeLibraryMissingTests
{
    private string _errors = "";
    private int _exitCode;
    private string _publishDirectory = "";
    private string _scratch = "";

    [OneTimeSetUp]
    public void RunTheProbeWhereNoFfmpegExists()
    {
        if (!File.Exists("/usr/bin/unshare") || Environment.UserName != "root")
        {
            Assert.Ignore("Hiding the system's libraries needs root and unshare (util-linux) for a private mount namespace.");
        }

        Ffmpeg7Runtime runtime = Ffmpeg7Runtime.For("amd64");
        _publishDirectory = ProbeApp.Publish("linux-x64");
        string probe = runtime.PatchedProbe(_publishDirectory);
        _scratch = Directory.CreateTempSubdirectory("kvs-no-ffmpeg-").FullName;
        string empty = Directory.CreateDirectory(Path.Combine(_scratch, "empty")).FullName;
        string libraries = Directory.CreateDirectory(Path.Combine(_scratch, "lib")).FullName;
        string[] ffmpeg = ["libav", "libsw", "libpostproc"];
        foreach (string library in Directory.EnumerateFiles(runtime.LibraryPath.Split(':')[0]))
        {
            string name = Path.GetFileName(library);
            if (!ffmpeg.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                File.CreateSymbolicLink(Path.Combine(libraries, name), library);
            }
        }

        string dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var environment = new Dictionary<string, string> { ["DOTNET_ROOT"] = dotnetRoot };
        // Debian 12 is merged-/usr: /lib/x86_64-linux-gnu is this same directory. LD_LIBRARY_PATH is set by the
        // shell for the probe alone (unshare, sh and mount run on the system's own libraries).
        string script = $"mount --bind '{empty}' /usr/lib/x86_64-linux-gnu && LD_LIBRARY_PATH='{libraries}' exec '{probe}' 1 'file:{TestData.Clip("clip.mp4")}'";
        (_, _errors, _exitCode) = ProbeApp.RunAllowingFailure("unshare", ["-m", "sh", "-c", script], environment, TimeSpan.FromMinutes(1));
    }

    [OneTimeTearDown]
    public void Remove()
    {
        if (_scratch.Length > 0)
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    [Test]
    public void Opening_a_source_fails_with_NativeLibraryMissing()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_exitCode, Is.Not.Zero);
            Assert.That(_errors, Does.Contain("KvsProducer.Media.MediaSourceException: No libkvsmedia build fits the FFmpeg on this system:"));
        });
    }

    [TestCase("libkvsmedia-ffmpeg7.so (FFmpeg 7.x)", "libavformat.so.61, libavcodec.so.61, libavdevice.so.61, libswscale.so.8, libswresample.so.5, libavutil.so.59")]
    [TestCase("libkvsmedia.so (FFmpeg 5.1)", "libavformat.so.59, libavcodec.so.59, libavdevice.so.59, libswscale.so.6, libswresample.so.4, libavutil.so.57")]
    public void The_error_names_each_builds_sonames_and_that_none_was_found(string build, string sonames)
    {
        Assert.That(_errors, Does.Contain($"{build} in {_publishDirectory.TrimEnd('/')}: looked for {sonames}; found none"));
    }

    [Test]
    public void The_error_gives_the_apt_command_for_this_system()
    {
        // This machine's /etc/os-release (not hidden) decides the advice; its wording is checked in NativeLibraryLocatorTests.
        Assert.That(_errors, Does.Contain(FfmpegInstallAdvice.For(OsRelease.Read())));
    }
}
