namespace KvsProducer.Media.Internal;

/// <summary>
/// One build of libkvsmedia: the FFmpeg major it was compiled against, the file name it ships as
/// (native/CMakeLists.txt names it by libavformat's major) and the sonames it needs at load time.
/// FFmpeg's sonames change with every major, so a build loads only where its own majors exist.
/// </summary>
/// <param name="FileName">The file shipped next to the app or under <c>runtimes/&lt;rid&gt;/native</c>.</param>
/// <param name="Ffmpeg">The FFmpeg release, as a person names it ("FFmpeg 7.x").</param>
/// <param name="Sonames">The FFmpeg libraries it links (and libswresample, which libavcodec links).</param>
/// <param name="AptPackages">The Debian/Ubuntu/Raspberry Pi OS packages that provide <paramref name="Sonames"/>.</param>
internal sealed record NativeBuild(string FileName, string Ffmpeg, IReadOnlyList<string> Sonames, IReadOnlyList<string> AptPackages)
{
    /// <summary>FFmpeg 7.0/7.1 (libavformat 61): Debian 13, Raspberry Pi OS Trixie, Ubuntu 24.10 and later.</summary>
    public static NativeBuild Ffmpeg7 { get; } = new(
        "libkvsmedia-ffmpeg7.so",
        "FFmpeg 7.x",
        ["libavformat.so.61", "libavcodec.so.61", "libavdevice.so.61", "libswscale.so.8", "libswresample.so.5", "libavutil.so.59"],
        ["libavformat61", "libavcodec61", "libavdevice61", "libswscale8", "libswresample5", "libavutil59"]);

    /// <summary>FFmpeg 5.1 (libavformat 59): Debian 12, Raspberry Pi OS Bookworm.</summary>
    public static NativeBuild Ffmpeg5 { get; } = new(
        "libkvsmedia.so",
        "FFmpeg 5.1",
        ["libavformat.so.59", "libavcodec.so.59", "libavdevice.so.59", "libswscale.so.6", "libswresample.so.4", "libavutil.so.57"],
        ["libavformat59", "libavcodec59", "libavdevice59", "libswscale6", "libswresample4", "libavutil57"]);

    /// <summary>Every build, in the order they are tried: the newest FFmpeg first.</summary>
    public static IReadOnlyList<NativeBuild> All { get; } = [Ffmpeg7, Ffmpeg5];

    /// <summary>The apt command that installs what this build needs.</summary>
    public string AptCommand => "sudo apt-get install " + string.Join(' ', AptPackages);
}
