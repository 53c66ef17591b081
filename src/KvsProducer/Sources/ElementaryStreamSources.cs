namespace KvsProducer.Sources;

/// <summary>
/// Opens the source forms the core reads without FFmpeg: <c>frames:DIR?fps=N</c> and raw Annex-B
/// <c>file:clip.h264|.h265?fps=N</c>. Both accept <c>codec=h264|h265</c> when the file extension does not tell.
/// Live Annex-B pipes from a camera program (the Raspberry Pi camera module's rpicam-vid) too:
/// <c>exec:rpicam-vid -t 0 --inline -o -</c>, <c>stdin:</c> and <c>fifo:PATH</c>, stamped by arrival
/// (<c>fps=</c> as a hint, <c>restart=never|on-failure|always</c>).
/// </summary>
public static class ElementaryStreamSources
{
    private static readonly string[] Options = ["fps", "codec"];

    /// <summary>True when <paramref name="uri"/> is a form this class opens.</summary>
    public static bool CanOpen(SourceUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.Scheme is "frames" or "exec" or "stdin" or "fifo" || (uri.Scheme == "file" && CodecFromExtension(uri.Path) is not null);
    }

    /// <summary>Opens <paramref name="uri"/>; frame timestamps start at <paramref name="start"/>.</summary>
    public static IFrameSource Open(SourceUri uri, TimeSpan start)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Scheme is "exec" or "stdin" or "fifo")
        {
            return new CameraPipeSource(uri, start, TimeProvider.System);
        }

        uri.RequireOnly(Options);
        var fps = uri.GetPositiveNumber("fps", 25);
        switch (uri.Scheme)
        {
            case "frames":
                return new FrameDirectorySource(uri.Path, CodecOf(uri, FirstFileExtension(uri.Path)), fps, start);
            case "file" when CodecFromExtension(uri.Path) is not null:
                return new AnnexBFileSource(uri.Path, CodecOf(uri, uri.Path), fps, start);
            default:
                throw new ArgumentException($"Source '{uri}' is not a frame directory or a raw .h264/.h265 file; containers, cameras and test patterns are read by KvsProducer.Media (MediaSource).");
        }
    }

    private static VideoCodec CodecOf(SourceUri uri, string? pathForExtension)
    {
        if (uri.Query.TryGetValue("codec", out var codec))
        {
            return codec.ToLowerInvariant() switch
            {
                "h264" or "avc" => VideoCodec.H264,
                "h265" or "hevc" => VideoCodec.H265,
                _ => throw new ArgumentException($"Source '{uri}': codec={codec} is not supported; use codec=h264 or codec=h265."),
            };
        }

        return (pathForExtension is null ? null : CodecFromExtension(pathForExtension))
            ?? throw new ArgumentException($"Source '{uri}': cannot tell the codec from the file names; add codec=h264 or codec=h265.");
    }

    private static VideoCodec? CodecFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".h264" or ".264" or ".avc" => VideoCodec.H264,
        ".h265" or ".265" or ".hevc" => VideoCodec.H265,
        _ => null,
    };

    private static string? FirstFileExtension(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal).FirstOrDefault() : null;
}
