namespace KvsProducer.Media.Internal;

/// <summary>
/// Which FFmpeg to install on the system at hand, by its os-release: the distributions whose FFmpeg
/// a libkvsmedia build targets get that build's apt command; the rest are told what fits.
/// </summary>
internal static class FfmpegInstallAdvice
{
    public static string For(OsRelease system)
    {
        string name = system.PrettyName.Length > 0 ? system.PrettyName : "this system";
        NativeBuild? build = (system.Id, system.VersionId) switch
        {
            // Raspberry Pi OS says ID=debian (64-bit) or ID=raspbian (32-bit) with Debian's VERSION_ID.
            ("debian" or "raspbian", "12") => NativeBuild.Ffmpeg5,
            ("debian" or "raspbian", "13") => NativeBuild.Ffmpeg7,
            ("ubuntu", "24.10" or "25.04" or "25.10") => NativeBuild.Ffmpeg7,
            _ => null,
        };
        if (build is not null)
        {
            return $"On {name} install {build.Ffmpeg}'s runtime libraries: {build.AptCommand}";
        }

        if (system.Id == "ubuntu" && system.VersionId == "24.04")
        {
            // Ubuntu 24.04 ships FFmpeg 6.1 (libavformat60), a major no build targets.
            return $"{name} ships FFmpeg 6.1 (libavformat.so.60), which no libkvsmedia build targets: install FFmpeg 7.x " +
                $"({string.Join(' ', NativeBuild.Ffmpeg7.Sonames)}) from another source, or use Ubuntu 24.10 or later ({NativeBuild.Ffmpeg7.AptCommand}).";
        }

        return $"On {name} install FFmpeg 7.x ({string.Join(' ', NativeBuild.Ffmpeg7.Sonames)}; Debian/Ubuntu: {NativeBuild.Ffmpeg7.AptCommand}) " +
            $"or FFmpeg 5.1 ({string.Join(' ', NativeBuild.Ffmpeg5.Sonames)}; Debian: {NativeBuild.Ffmpeg5.AptCommand}).";
    }
}
