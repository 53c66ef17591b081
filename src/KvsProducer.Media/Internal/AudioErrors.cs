namespace KvsProducer.Media.Internal;

/// <summary>The errors of a microphone (<c>alsa:</c>) that cannot be opened or read, with what to do.</summary>
internal static class AudioErrors
{
    /// <summary>Null when the status is not one a capture device explains better than the generic message.</summary>
    public static MediaSourceException? Alsa(SourceSpec spec, NativeStatus status, string ffmpeg) => status switch
    {
        // ALSA reports a missing card as ENOENT or, through FFmpeg, EIO ("cannot open audio device hw:1,0").
        NativeStatus.NotFound or NativeStatus.Error => new(MediaErrorReason.NotFound,
            $"Sound card '{spec.Url}' cannot be opened for capture{ffmpeg}: check that the microphone is connected, " +
            $"then 'arecord -l' lists the capture devices as card N, device M: write alsa:hw:N,M."),
        NativeStatus.AccessDenied => new(MediaErrorReason.AccessDenied,
            $"Sound card '{spec.Url}' may not be opened by this user{ffmpeg}: add the user to the 'audio' group (sudo usermod -aG audio $USER) and log in again."),
        NativeStatus.Busy => new(MediaErrorReason.DeviceBusy,
            $"Sound card '{spec.Url}' is in use by another process{ffmpeg}: stop it (fuser -v /dev/snd/* names it) or capture through alsa:default (dsnoop)."),
        NativeStatus.InvalidArgument or NativeStatus.Unsupported => new(MediaErrorReason.UnsupportedFormat,
            $"Sound card '{spec.Url}' refused the capture format{ffmpeg}: 'arecord -D {spec.Url} --dump-hw-params' shows the rates and channels it takes; set rate= and channels= to one of them."),
        _ => null,
    };
}
