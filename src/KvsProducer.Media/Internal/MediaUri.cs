using System.Globalization;
using System.Text;

namespace KvsProducer.Media.Internal;

/// <summary>Parses the source URIs (testsrc:, v4l2:, rtsp://, file:) into what FFmpeg is given.</summary>
internal static class MediaUri
{
    private const string Forms =
        "use testsrc:?size=1280x720&rate=30, v4l2:///dev/video0?size=1280x720&rate=30&format=h264|mjpeg|yuyv422, " +
        "rtsp://user:pass@host/path?transport=tcp|udp, file:clip.mp4 (mp4, mkv, ts, raw .h264, audio files), " +
        "alsa:hw:1,0?rate=48000&channels=2&codec=aac|alaw|mulaw, sine:?rate=48000&channels=2&codec=aac or frames:dir?fps=25";

    public static SourceSpec Parse(string uri, MediaSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(uri);
        int colon = uri.IndexOf(':', StringComparison.Ordinal);
        string scheme = colon > 0 ? uri[..colon].ToLowerInvariant() : string.Empty;
        return scheme switch
        {
            "testsrc" => TestPattern(uri, options),
            "v4l2" => V4l2(uri, options),
            "rtsp" or "rtsps" => Rtsp(uri),
            "file" => File(uri),
            "alsa" => AudioUri.Alsa(uri, options),
            "sine" => AudioUri.Tone(uri, options),
            "frames" => throw new MediaSourceException(MediaErrorReason.InvalidUri,
                $"'{uri}': the frames: source (one Annex-B frame per file) is read by KvsProducer's core, not by " +
                "KvsProducer.Media: open it with KvsProducer.Sources.ElementaryStreamSources.Open."),
            _ => throw new MediaSourceException(MediaErrorReason.InvalidUri, $"'{uri}' is not a source URI: {Forms}."),
        };
    }

    private static SourceSpec TestPattern(string uri, MediaSourceOptions options)
    {
        Dictionary<string, string> query = Query(uri, uri.IndexOf('?', StringComparison.Ordinal), ["size", "rate", "audio"]);
        (int width, int height) = options.Width > 0 ? (options.Width, options.Height) : Size(uri, query, "1280x720");
        int rate = options.FrameRate > 0 ? options.FrameRate : Rate(uri, query, 30);
        string graph = string.Create(CultureInfo.InvariantCulture, $"testsrc2=size={width}x{height}:rate={rate}");
        string? audioCodec = null;
        if (query.TryGetValue("audio", out string? audio))
        {
            // lavfi's outputs out0 and out1: the picture and a tone, each its own stream. Only when
            // the URI asks: a test pattern is video unless audio= says otherwise.
            var toneQuery = new Dictionary<string, string>(StringComparer.Ordinal) { ["codec"] = audio };

            audioCodec = AudioUri.Codec(uri, toneQuery, options);
            graph = string.Concat(graph, "[out0];", AudioUri.Graph(uri, [], options), "[out1]");
        }

        return new SourceSpec(SourceKind.TestPattern, graph, "lavfi", [], uri, null, audioCodec);
    }

    private static SourceSpec V4l2(string uri, MediaSourceOptions options)
    {
        int question = uri.IndexOf('?', StringComparison.Ordinal);
        string path = (question < 0 ? uri : uri[..question])["v4l2:".Length..];
        if (path.StartsWith("//", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        if (!path.StartsWith("/dev/", StringComparison.Ordinal))
        {
            throw new MediaSourceException(MediaErrorReason.InvalidUri,
                $"'{uri}' names no device: write the device node after v4l2://, as in v4l2:///dev/video0.");
        }

        Dictionary<string, string> query = Query(uri, question, ["size", "rate", "format"]);
        var ffmpegOptions = new List<KeyValuePair<string, string>>();
        if (options.Width > 0)
        {
            ffmpegOptions.Add(new("video_size", string.Create(CultureInfo.InvariantCulture, $"{options.Width}x{options.Height}")));
        }
        else if (query.ContainsKey("size"))
        {
            (int width, int height) = Size(uri, query, string.Empty);
            ffmpegOptions.Add(new("video_size", string.Create(CultureInfo.InvariantCulture, $"{width}x{height}")));
        }

        int rate = options.FrameRate > 0 ? options.FrameRate : query.ContainsKey("rate") ? Rate(uri, query, 0) : 0;
        if (rate > 0)
        {
            ffmpegOptions.Add(new("framerate", rate.ToString(CultureInfo.InvariantCulture)));
        }

        if (query.TryGetValue("format", out string? format))
        {
            if (format is not ("h264" or "mjpeg" or "yuyv422"))
            {
                throw new MediaSourceException(MediaErrorReason.InvalidUri,
                    $"'{uri}': format={format} is not supported: use h264 (passthrough), mjpeg or yuyv422 (encoded to H.264).");
            }

            ffmpegOptions.Add(new("input_format", format));
        }

        return new SourceSpec(SourceKind.V4l2, path, "video4linux2", ffmpegOptions, uri, path);
    }

    private static SourceSpec Rtsp(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out Uri? parsed) || string.IsNullOrEmpty(parsed.Host))
        {
            throw new MediaSourceException(MediaErrorReason.InvalidUri,
                $"'{Redact(uri)}' is not a valid RTSP URL: use rtsp://user:pass@host[:port]/path?transport=tcp|udp.");
        }

        // Our own parameter (transport) is taken out; any other query parameter belongs to the camera.
        string transport = "tcp";
        var cameraQuery = new StringBuilder();
        foreach (string pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("transport=", StringComparison.OrdinalIgnoreCase))
            {
                transport = pair["transport=".Length..].ToLowerInvariant();
                if (transport is not ("tcp" or "udp"))
                {
                    throw new MediaSourceException(MediaErrorReason.InvalidUri,
                        $"'{Redact(uri)}': transport={transport} is not supported: use tcp (interleaved, the default) or udp.");
                }

                continue;
            }

            cameraQuery.Append(cameraQuery.Length == 0 ? '?' : '&').Append(pair);
        }

        int question = uri.IndexOf('?', StringComparison.Ordinal);
        string url = (question < 0 ? uri : uri[..question]) + cameraQuery.ToString();
        return new SourceSpec(SourceKind.Rtsp, url, "rtsp", [new("rtsp_transport", transport)], Redact(uri), null);
    }

    private static SourceSpec File(string uri)
    {
        string path = uri["file:".Length..];
        if (path.StartsWith("//", StringComparison.Ordinal))
        {
            path = Uri.UnescapeDataString(path[2..]);
        }

        if (path.Length == 0)
        {
            throw new MediaSourceException(MediaErrorReason.InvalidUri, $"'{uri}' names no file: write file:clip.mp4 or file:///abs/path/clip.mkv.");
        }

        string fullPath = Path.GetFullPath(path);
        // Raw G.711 has no header for FFmpeg to probe: the extension names the format, read at
        // G.711's own 8 kHz mono (FFmpeg's raw PCM demuxers default to 44.1 kHz).
        string? format = Path.GetExtension(fullPath).ToLowerInvariant() switch
        {
            ".alaw" or ".al" => "alaw",
            ".mulaw" or ".ulaw" or ".ul" => "mulaw",
            _ => null,
        };
        // "file:" keeps FFmpeg from reading a ':' in the name as a protocol.
        KeyValuePair<string, string>[] rawOptions = format is null ? [] : [new("sample_rate", "8000"), new("ch_layout", "mono")];
        return new SourceSpec(SourceKind.File, "file:" + fullPath, format, rawOptions, uri, fullPath);
    }

    /// <summary>The URI with any password replaced by ***, for messages and logs.</summary>
    public static string Redact(string uri)
    {
        int scheme = uri.IndexOf("://", StringComparison.Ordinal);
        int at = uri.IndexOf('@', StringComparison.Ordinal);
        if (scheme < 0 || at < scheme)
        {
            return uri;
        }

        int colon = uri.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? string.Concat(uri.AsSpan(0, colon + 1), "***", uri.AsSpan(at)) : uri;
    }

    internal static Dictionary<string, string> Query(string uri, int question, string[] known)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (question < 0)
        {
            return query;
        }

        foreach (string pair in uri[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? pair : pair[..equals];
            string value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!known.Contains(key))
            {
                throw new MediaSourceException(MediaErrorReason.InvalidUri,
                    $"'{uri}': parameter '{key}' is not known here: use {string.Join(", ", known)}.");
            }

            query[key] = value;
        }

        return query;
    }

    private static (int Width, int Height) Size(string uri, Dictionary<string, string> query, string fallback)
    {
        string text = query.GetValueOrDefault("size", fallback);
        string[] parts = text.Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int height)
            && width is > 0 and <= 16384 && height is > 0 and <= 16384)
        {
            return (width, height);
        }

        throw new MediaSourceException(MediaErrorReason.InvalidUri, $"'{uri}': size={text} is not a picture size: use WIDTHxHEIGHT, as in size=1280x720.");
    }

    private static int Rate(string uri, Dictionary<string, string> query, int fallback)
    {
        if (!query.TryGetValue("rate", out string? text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int rate) && rate is > 0 and <= 1000)
        {
            return rate;
        }

        throw new MediaSourceException(MediaErrorReason.InvalidUri, $"'{uri}': rate={text} is not a frame rate: use frames per second, 1 to 1000, as in rate=30.");
    }
}
