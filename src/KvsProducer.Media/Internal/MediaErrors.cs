namespace KvsProducer.Media.Internal;

/// <summary>Turns a native status into the specific exception a user can act on (issue 6 §2).</summary>
internal static class MediaErrors
{
    public static MediaSourceException Create(SourceSpec spec, NativeStatus status, string nativeText, MediaSourceOptions options)
    {
        string name = spec.DisplayName;
        string ffmpeg = string.IsNullOrEmpty(nativeText) ? string.Empty : $" (FFmpeg: {nativeText})";
        if (spec.Kind == SourceKind.Alsa && AudioErrors.Alsa(spec, status, ffmpeg) is { } capture)
        {
            return capture;
        }

        return status switch
        {
            NativeStatus.NotFound => spec.Kind switch
            {
                SourceKind.V4l2 => MissingDevice(spec),
                SourceKind.File => new(MediaErrorReason.NotFound, $"File '{spec.LocalPath}' was not found{ffmpeg}: check the path (relative paths start at {Environment.CurrentDirectory})."),
                SourceKind.Rtsp => new(MediaErrorReason.NotFound, $"The camera at {name} has no stream at that path{ffmpeg}: check the path part of the URL in the camera's settings."),
                _ => new(MediaErrorReason.NotFound, $"{name}: not found{ffmpeg}."),
            },
            NativeStatus.Unreachable => new(MediaErrorReason.Unreachable,
                $"The camera at {name} cannot be reached{ffmpeg}: check that it is powered and on the network, and the host and port (RTSP's default is 554)."),
            NativeStatus.Unauthorized => new(MediaErrorReason.Unauthorized,
                $"The camera at {name} refused the credentials{ffmpeg}: put the right user and password in the URL (rtsp://user:pass@host/path), percent-encoding special characters."),
            NativeStatus.AccessDenied => new(MediaErrorReason.AccessDenied, spec.Kind == SourceKind.V4l2
                ? $"{spec.LocalPath} may not be opened by this user{ffmpeg}: add the user to the 'video' group (sudo usermod -aG video $USER) and log in again."
                : $"{name} may not be read by this user{ffmpeg}: check the file's permissions."),
            NativeStatus.Busy => new(MediaErrorReason.DeviceBusy,
                $"{spec.LocalPath ?? name} is in use by another process{ffmpeg}: stop it (fuser {spec.LocalPath ?? "<device>"} names it) and try again."),
            NativeStatus.Corrupt => new(MediaErrorReason.Corrupt, spec.Kind == SourceKind.File
                ? $"File '{spec.LocalPath}' is damaged or is not a video file{ffmpeg}: check it with 'ffprobe {spec.LocalPath}'."
                : $"{name} sent data that does not parse{ffmpeg}."),
            NativeStatus.Unsupported => new(MediaErrorReason.UnsupportedFormat,
                $"{name} cannot be used{ffmpeg}: H.264 and H.265 pass through; other video must be decodable by FFmpeg and is encoded with libx264 or h264_v4l2m2m (Encoder = {options.Encoder}); " +
                $"AAC and G.711 audio pass through, other audio is encoded to AAC or G.711 (Audio = {options.Audio})."),
            NativeStatus.Timeout => new(MediaErrorReason.Timeout,
                $"{name} sent nothing within the timeout (open {options.OpenTimeout.TotalSeconds:0.#} s, read {options.ReadTimeout.TotalSeconds:0.#} s){ffmpeg}: check that the source is streaming; raise OpenTimeout/ReadTimeout for slow cameras."),
            NativeStatus.InvalidArgument when spec.AudioCodec is not null || options.Audio != SourceAudio.None => new(MediaErrorReason.InvalidUri,
                $"{name}: a parameter was refused{ffmpeg}: check the audio codec (aac, alaw, mulaw), rate= (Hz) and channels= (1 or 2), and size=, rate= and format= for video."),
            NativeStatus.InvalidArgument => new(MediaErrorReason.InvalidUri,
                $"{name}: a parameter was refused{ffmpeg}: check size=, rate= and format= against what the source supports (v4l2-ctl --list-formats-ext for cameras)."),
            NativeStatus.EndOfStream when spec.Kind == SourceKind.Rtsp => new(MediaErrorReason.Unreachable,
                $"The camera at {name} closed the stream (it restarted or dropped the connection): set MediaSourceOptions.Reconnect to reconnect by itself."),
            NativeStatus.EndOfStream => new(MediaErrorReason.Other, $"{name} ended."),
            _ => new(MediaErrorReason.Other, $"{name} failed{ffmpeg}."),
        };
    }

    public static MediaSourceException MissingDevice(SourceSpec spec)
    {
        string[] present = Directory.Exists("/dev")
            ? Directory.GetFiles("/dev", "video*").Order(StringComparer.Ordinal).ToArray()
            : [];
        string list = present.Length == 0 ? "there are no /dev/video* devices on this machine" : "devices present: " + string.Join(", ", present);
        return new MediaSourceException(MediaErrorReason.NotFound,
            $"Camera device {spec.LocalPath} does not exist ({list}): check that the camera is connected and its driver loaded " +
            "(on a Raspberry Pi: the camera interface enabled), then 'v4l2-ctl --list-devices' names the right node.");
    }
}
