using System.Runtime.InteropServices;
using KvsProducer.Media.Internal;

namespace KvsProducer.Media.Tests;

/// <summary>
/// NativeLibraryLocator chooses the libkvsmedia build whose FFmpeg sonames the system has, and when
/// none fits says what it looked for, what it found and the apt command for the system at hand.
/// The builds are the real ones (copied next to the tests); "the system's libraries" are either the
/// real dynamic loader or a fake library directory holding only some sonames.
/// </summary>
public sealed class NativeLibraryLocatorTests
{
    private static readonly OsRelease Debian12 = OsRelease.Parse(["PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"", "ID=debian", "VERSION_ID=\"12\""]);

    private string _builds = "";
    private string _libraries = "";

    [SetUp]
    public void CopyTheBuildsAndMakeAnEmptyLibraryDirectory()
    {
        string root = Path.Combine(Path.GetTempPath(), "kvs-locator-" + Guid.NewGuid().ToString("N"));
        _builds = Directory.CreateDirectory(Path.Combine(root, "app")).FullName;
        _libraries = Directory.CreateDirectory(Path.Combine(root, "lib")).FullName;
        foreach (NativeBuild build in NativeBuild.All)
        {
            string built = Path.Combine(AppContext.BaseDirectory, build.FileName);
            Assert.That(built, Does.Exist, $"{build.FileName} is built next to the tests (Cake: Native, Native-Ffmpeg7).");
            File.Copy(built, Path.Combine(_builds, build.FileName));
        }
    }

    [TearDown]
    public void Remove() => Directory.Delete(Path.GetDirectoryName(_builds)!, recursive: true);

    private bool InFakeLibraryDirectory(string soname) => File.Exists(Path.Combine(_libraries, soname));

    [Test]
    public void No_build_is_loaded_when_the_library_directory_lacks_their_sonames()
    {
        NativeLibraryChoice choice = NativeLibraryLocator.Locate([_builds], InFakeLibraryDirectory, NativeLibrary.Load, Debian12);

        Assert.Multiple(() =>
        {
            Assert.That(choice.Handle, Is.EqualTo(IntPtr.Zero));
            Assert.That(choice.Build, Is.Null);
        });
    }

    [Test]
    public void The_error_names_every_soname_looked_for_and_which_were_found()
    {
        File.WriteAllText(Path.Combine(_libraries, "libavutil.so.57"), "");
        File.WriteAllText(Path.Combine(_libraries, "libswscale.so.6"), "");

        string failure = NativeLibraryLocator.Locate([_builds], InFakeLibraryDirectory, NativeLibrary.Load, Debian12).Failure!;

        Assert.That(failure, Does.Contain(
            $"libkvsmedia-ffmpeg7.so (FFmpeg 7.x) in {_builds}: looked for libavformat.so.61, libavcodec.so.61, libavdevice.so.61, libswscale.so.8, libswresample.so.5, libavutil.so.59; found none"));
        Assert.That(failure, Does.Contain(
            $"libkvsmedia.so (FFmpeg 5.1) in {_builds}: looked for libavformat.so.59, libavcodec.so.59, libavdevice.so.59, libswscale.so.6, libswresample.so.4, libavutil.so.57; " +
            "found libswscale.so.6, libavutil.so.57; missing libavformat.so.59, libavcodec.so.59, libavdevice.so.59, libswresample.so.4"));
    }

    [Test]
    public void The_error_gives_the_apt_command_for_the_system_in_os_release()
    {
        string osRelease = Path.Combine(_libraries, "os-release");
        File.WriteAllLines(osRelease, ["PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"", "NAME=\"Debian GNU/Linux\"", "VERSION_ID=\"13\"", "ID=debian"]);

        string failure = NativeLibraryLocator.Locate([_builds], InFakeLibraryDirectory, NativeLibrary.Load, OsRelease.Read(osRelease)).Failure!;

        Assert.That(failure, Does.EndWith(
            "On Debian GNU/Linux 13 (trixie) install FFmpeg 7.x's runtime libraries: sudo apt-get install libavformat61 libavcodec61 libavdevice61 libswscale8 libswresample5 libavutil59"));
    }

    [Test]
    public void A_build_that_is_not_shipped_is_reported_with_the_directories_looked_in()
    {
        File.Delete(Path.Combine(_builds, "libkvsmedia-ffmpeg7.so"));

        string failure = NativeLibraryLocator.Locate([_builds, _libraries], InFakeLibraryDirectory, NativeLibrary.Load, Debian12).Failure!;

        Assert.That(failure, Does.Contain($"libkvsmedia-ffmpeg7.so (FFmpeg 7.x): not shipped (looked in {_builds}, {_libraries})"));
    }

    [Test]
    public void The_first_build_whose_sonames_are_all_present_is_loaded()
    {
        foreach (string soname in NativeBuild.Ffmpeg5.Sonames)
        {
            File.WriteAllText(Path.Combine(_libraries, soname), "");
        }

        // The fake directory only says the 5.1 sonames exist; loading is real (this Debian 12 machine has FFmpeg 5.1).
        NativeLibraryChoice choice = NativeLibraryLocator.Locate([_builds], InFakeLibraryDirectory, NativeLibrary.Load, Debian12);

        Assert.Multiple(() =>
        {
            Assert.That(choice.Build, Is.EqualTo(NativeBuild.Ffmpeg5));
            Assert.That(choice.Path, Is.EqualTo(Path.Combine(_builds, "libkvsmedia.so")));
            Assert.That(choice.Handle, Is.Not.EqualTo(IntPtr.Zero));
            Assert.That(choice.Failure, Is.Null);
        });
    }

    [Test]
    public void A_build_whose_sonames_are_present_but_which_fails_to_load_is_reported_and_the_next_tried()
    {
        foreach (string soname in NativeBuild.All.SelectMany(build => build.Sonames))
        {
            File.WriteAllText(Path.Combine(_libraries, soname), "");
        }

        // The ffmpeg7 build really fails to load here: this machine has no libavformat.so.61.
        NativeLibraryChoice choice = NativeLibraryLocator.Locate([_builds], InFakeLibraryDirectory, NativeLibrary.Load, Debian12);

        Assert.That(choice.Build, Is.EqualTo(NativeBuild.Ffmpeg5));
    }

    [Test]
    public void On_this_Debian_12_machine_the_dynamic_loader_finds_only_FFmpeg_5_1_and_its_build_is_chosen()
    {
        NativeLibraryChoice choice = NativeLibraryLocator.Locate([_builds], NativeLibraryLocator.SonameIsPresent, NativeLibrary.Load, OsRelease.Read());

        Assert.That(choice.Build, Is.EqualTo(NativeBuild.Ffmpeg5), choice.Failure);
    }

    [TestCase("ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"",
        "On Debian GNU/Linux 12 (bookworm) install FFmpeg 5.1's runtime libraries: sudo apt-get install libavformat59 libavcodec59 libavdevice59 libswscale6 libswresample4 libavutil57")]
    [TestCase("ID=raspbian\nVERSION_ID=\"13\"\nPRETTY_NAME=\"Raspbian GNU/Linux 13 (trixie)\"",
        "On Raspbian GNU/Linux 13 (trixie) install FFmpeg 7.x's runtime libraries: sudo apt-get install libavformat61 libavcodec61 libavdevice61 libswscale8 libswresample5 libavutil59")]
    [TestCase("ID=ubuntu\nVERSION_ID=\"25.04\"\nPRETTY_NAME=\"Ubuntu 25.04\"",
        "On Ubuntu 25.04 install FFmpeg 7.x's runtime libraries: sudo apt-get install libavformat61 libavcodec61 libavdevice61 libswscale8 libswresample5 libavutil59")]
    public void The_advice_names_the_packages_of_the_FFmpeg_the_distribution_ships(string osRelease, string advice)
    {
        Assert.That(FfmpegInstallAdvice.For(OsRelease.Parse(osRelease.Split('\n'))), Is.EqualTo(advice));
    }

    [Test]
    public void Ubuntu_24_04_is_told_its_FFmpeg_6_1_is_not_targeted()
    {
        string advice = FfmpegInstallAdvice.For(OsRelease.Parse(["ID=ubuntu", "VERSION_ID=\"24.04\"", "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\""]));

        Assert.That(advice, Does.StartWith("Ubuntu 24.04.1 LTS ships FFmpeg 6.1 (libavformat.so.60), which no libkvsmedia build targets"));
    }

    [Test]
    public void An_unknown_system_is_offered_both_FFmpeg_majors()
    {
        string advice = FfmpegInstallAdvice.For(OsRelease.Read("/nonexistent/os-release"));

        Assert.That(advice, Does.StartWith("On this system install FFmpeg 7.x (libavformat.so.61").And.Contain("or FFmpeg 5.1 (libavformat.so.59"));
    }
}
