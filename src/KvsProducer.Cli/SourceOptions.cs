using System.CommandLine;
using System.Globalization;
using KvsProducer.Media;
using KvsProducer.Sources;

namespace KvsProducer.Cli;

/// <summary>
/// The source options every command shares (<c>--source</c>, <c>--duration</c>, <c>--encoder</c>,
/// <c>--bitrate</c>, <c>--size</c>, <c>--rate</c>), and how a URI is opened: frame directories and raw
/// elementary streams by the core, everything else (containers, cameras, test patterns) through FFmpeg.
/// </summary>
internal sealed class SourceOptions
{
    public Option<string> Source { get; } = new("--source", "-s")
    {
        Description = "What to read: frames:DIR?fps=N, file:clip.h264|.h265|.mp4|.mkv|.ts, testsrc:?size=WxH&rate=N, rtsp://[user:pass@]host/path, v4l2:///dev/videoN, exec:rpicam-vid -t 0 --inline -o - (a camera program's H.264 on stdout), stdin:, fifo:PATH.",
        Required = true,
    };

    public Option<string?> Duration { get; } = new("--duration") { Description = "Stop after this much media (e.g. 20s); default: the whole source." };

    public Option<H264Encoder> Encoder { get; } = new("--encoder") { Description = "When the source must be encoded: auto (hardware first), libx264 or v4l2m2m.", DefaultValueFactory = _ => H264Encoder.Auto };

    public Option<int> Bitrate { get; } = new("--bitrate")
    {
        Description = "Encoder bitrate in kbit/s (0 = constant quality).",
        // bit/s given for kbit/s is the usual slip (2000000 for 2 Mbit/s): 100 Mbit/s is far beyond any device's encoder.
        Validators = { r => { if (r.GetValueOrDefault<int>() is var kbps and > MaxBitrateKilobits) { r.AddError($"--bitrate {kbps} is in kbit/s (over {MaxBitrateKilobits} kbit/s); did you mean {kbps / 1000}?"); } } },
    };

    private const int MaxBitrateKilobits = 100_000;

    public Option<string?> Size { get; } = new("--size") { Description = "Capture or encode size WxH (e.g. 1280x720)." };

    public Option<int> Rate { get; } = new("--rate") { Description = "Capture or encode frame rate." };

    public AudioOptions Audio { get; } = new();

    public void AddTo(Command command)
    {
        command.Add(Source);
        command.Add(Duration);
        command.Add(Encoder);
        command.Add(Bitrate);
        command.Add(Size);
        command.Add(Rate);
        Audio.AddTo(command);
    }

    /// <summary>Opens the source the command line names; frames are stamped from <paramref name="start"/>.</summary>
    public OpenedSource Open(ParseResult result, TimeSpan start, TimeSpan keyFrameInterval, bool paceToRealTime)
    {
        var uri = SourceUri.Parse(result.GetValue(Source)!);
        var duration = result.GetValue(Duration) is { } text ? OptionParsers.ParseDuration(text) : (TimeSpan?)null;
        var totalBytes = SizeOnDisk(uri);
        if (ElementaryStreamSources.CanOpen(uri))
        {
            return new OpenedSource(Audio.WithAudioFile(result, ElementaryStreamSources.Open(uri, start), start), TimeSpan.Zero, duration, totalBytes);
        }

        Audio.RefuseAudioFile(result, uri.Original);
        var (width, height) = ParseSize(result.GetValue(Size));
        var options = new MediaSourceOptions
        {
            Encoder = result.GetValue(Encoder),
            Bitrate = result.GetValue(Bitrate) * 1000,
            Width = width,
            Height = height,
            FrameRate = result.GetValue(Rate),
            KeyFrameInterval = keyFrameInterval,
            PaceToRealTime = paceToRealTime,
            Audio = Audio.Selection(result),
            LoggerFactory = CliDebug.LoggerFactory,
        };
        return new OpenedSource(MediaSource.Open(uri.Original, options), start, duration, totalBytes);
    }

    /// <summary>The bytes a file or frame directory holds, for progress; null for cameras and test patterns.</summary>
    private static long? SizeOnDisk(SourceUri uri) => uri.Scheme switch
    {
        "file" when File.Exists(uri.Path) => new FileInfo(uri.Path).Length,
        "frames" when Directory.Exists(uri.Path) => Directory.EnumerateFiles(uri.Path).Sum(f => new FileInfo(f).Length),
        _ => null,
    };

    private static (int Width, int Height) ParseSize(string? text)
    {
        if (text is null)
        {
            return (0, 0);
        }

        var parts = text.Split('x', 'X');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            && width > 0 && height > 0)
        {
            return (width, height);
        }

        throw new FormatException($"--size '{text}' is not WIDTHxHEIGHT: write e.g. 1280x720.");
    }
}

/// <summary>
/// An open source whose frames are shifted by <paramref name="offset"/> and cut at <paramref name="duration"/>;
/// with the source's size on disk it tells how far through it the reading is.
/// </summary>
internal sealed class OpenedSource(IFrameSource source, TimeSpan offset, TimeSpan? duration, long? totalBytes = null) : IAsyncDisposable
{
    private long _bytesRead;
    private volatile bool _finished;

    public TrackDefinition Track => source.Track;

    /// <summary>Every track of the source: the video (or the audio of an audio-only source), then any audio track.</summary>
    public IReadOnlyList<TrackDefinition> Tracks => source switch
    {
        MediaSource media => media.Tracks,
        AudioVideoSource merged => [merged.Track, merged.AudioTrack],
        _ => [source.Track],
    };

    /// <summary>Fraction of the source read (0–1) when its size is known and no --duration cuts it; else null.</summary>
    public double? Progress => totalBytes is > 0 && duration is null
        ? _finished ? 1 : Math.Min(1, Interlocked.Read(ref _bytesRead) / (double)totalBytes.Value)
        : null;

    public TimeSpan Offset => offset;

    public async IAsyncEnumerable<Frame> ReadFramesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        TimeSpan? first = null;
        await foreach (var frame in source.ReadFramesAsync(cancellationToken).ConfigureAwait(false))
        {
            first ??= frame.DecodingTime;
            Interlocked.Add(ref _bytesRead, frame.Data.Length);
            if (duration is { } limit && frame.DecodingTime - first.Value >= limit)
            {
                yield break;
            }

            yield return offset == TimeSpan.Zero
                ? frame
                : new Frame(frame.Data, frame.PresentationTime + offset, frame.DecodingTime + offset, frame.Duration, frame.Flags, frame.TrackNumber);
        }

        _finished = true;
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();
}
