using System.Runtime.CompilerServices;
using KvsProducer.Nal;

namespace KvsProducer.Sources;

/// <summary>
/// A live raw Annex-B stream from a camera program — the Raspberry Pi camera module through
/// <c>rpicam-vid</c>/<c>libcamera-vid</c> — read from the program's standard output
/// (<c>exec:rpicam-vid -t 0 --inline -o -</c>), from our own standard input (<c>stdin:</c>) or from a
/// named pipe (<c>fifo:/run/camera.h264</c>). The stream carries no timestamps: frames are stamped by
/// their arrival (<see cref="ArrivalClock"/>), at the <c>fps=</c> hint's period when one is given.
/// </summary>
/// <remarks>
/// Access units are split by the core's <see cref="AnnexBAccessUnitReader"/>; a unit is complete when
/// the next one begins, so frames arrive one frame period late. Every (re)start skips what precedes
/// the first key frame (a decoder could not use it); rpicam-vid's <c>--inline</c> repeats SPS/PPS before
/// every IDR, so each key frame is a place to start. A program that ends is started again per
/// <see cref="CameraRestartPolicy"/>, after a delay that doubles from <see cref="FirstRestartDelay"/> to
/// <see cref="LongestRestartDelay"/>; one that ends <see cref="MaxRunsWithoutPictures"/> times in a row
/// without a picture is an error carrying its standard error (e.g. rpicam-vid's "no cameras available").
/// </remarks>
internal sealed class CameraPipeSource : IFrameSource
{
    public const int MaxRunsWithoutPictures = 3;
    public static readonly TimeSpan FirstRestartDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestRestartDelay = TimeSpan.FromSeconds(30);

    private readonly SourceUri _uri;
    private readonly IReadOnlyList<string> _command;
    private readonly double? _framesPerSecond;
    private readonly CameraRestartPolicy _restart;
    private readonly TimeSpan _start;
    private readonly TimeProvider _time;
    private CameraProcess? _process;
    private int _disposed;

    /// <param name="uri">exec:COMMAND, stdin: or fifo:PATH, with fps=, codec= and (not stdin:) restart= options.</param>
    /// <param name="start">The stamp of the first frame.</param>
    /// <param name="time">The clock arrivals are measured with.</param>
    public CameraPipeSource(SourceUri uri, TimeSpan start, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(time);
        _uri = uri;
        _start = start;
        _time = time;
        switch (uri.Scheme)
        {
            case "exec":
                uri.RequireOnly("fps", "codec", "restart");
                _command = CommandLineArguments.Split(uri.Path);
                if (_command.Count == 0)
                {
                    throw new ArgumentException($"Source '{uri}' names no program: write exec:rpicam-vid -t 0 --inline -o - (the program must write H.264 to its standard output).");
                }

                _restart = RestartPolicy(uri, CameraRestartPolicy.OnFailure);
                break;
            case "stdin":
                uri.RequireOnly("fps", "codec");
                _command = [];
                _restart = CameraRestartPolicy.Never; // our standard input cannot be opened again
                break;
            case "fifo":
                uri.RequireOnly("fps", "codec", "restart");
                if (uri.Path.Length == 0)
                {
                    throw new ArgumentException($"Source '{uri}' names no FIFO: write fifo:/path/to/fifo (made with mkfifo, written by e.g. rpicam-vid -t 0 --inline -o /path/to/fifo).");
                }

                _command = [];
                _restart = RestartPolicy(uri, CameraRestartPolicy.Always);
                break;
            default:
                throw new ArgumentException($"Source '{uri}' is not a camera pipe: write exec:COMMAND, stdin: or fifo:PATH.");
        }

        _framesPerSecond = uri.Query.ContainsKey("fps") ? uri.GetPositiveNumber("fps", 0) : null;
        Track = new TrackDefinition { Codec = Codec(uri) };
    }

    public TrackDefinition Track { get; }

    /// <summary>Access units skipped because no key frame had come yet since the stream (re)started.</summary>
    public long SkippedBeforeKeyFrame { get; private set; }

    /// <summary>How many times the program was started again or the FIFO reopened.</summary>
    public int Restarts { get; private set; }

    public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var clock = new ArrivalClock(_start, _framesPerSecond);
        var framer = new AccessUnitFramer(Track.Codec, _framesPerSecond ?? 30, TimeSpan.Zero);
        var nominalPeriod = TimeSpan.FromSeconds(1 / (_framesPerSecond ?? 30));
        long decoded = 0;
        var origin = _time.GetTimestamp();
        var delay = FirstRestartDelay;
        var runsWithoutPictures = 0;
        while (Volatile.Read(ref _disposed) == 0)
        {
            var pictures = 0;
            var input = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (input.ConfigureAwait(false))
            {
                // A program is killed when the reader is cancelled: its pipe then ends and the read returns.
                using var cancellation = cancellationToken.Register(() => _process?.Kill());
                using var reader = new AnnexBAccessUnitReader(input, Track.Codec);
                var waitingForKeyFrame = true;
                while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    var arrival = _time.GetElapsedTime(origin);
                    if (waitingForKeyFrame && !reader.IsRandomAccess)
                    {
                        SkippedBeforeKeyFrame++;
                        continue;
                    }

                    waitingForKeyFrame = false;
                    pictures++;
                    var (decoding, duration) = clock.Next(arrival);
                    // Picture order counts give the display offset on a constant-rate timeline (the
                    // recovery assumes one); that offset is put on the arrival stamp. Without B-frames
                    // (rpicam-vid) it is 0: presentation = decoding.
                    var nominal = framer.Next(reader.AccessUnit, nominalPeriod * decoded, nominalPeriod);
                    decoded++;
                    yield return new Frame(nominal.Data, decoding + (nominal.PresentationTime - nominal.DecodingTime), decoding, duration, nominal.Flags);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (Volatile.Read(ref _disposed) != 0 || !await ShouldRestartAsync(pictures, runsWithoutPictures, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }

            runsWithoutPictures = pictures > 0 ? 0 : runsWithoutPictures + 1;
            delay = pictures > 0 ? FirstRestartDelay : delay;
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 > LongestRestartDelay ? LongestRestartDelay : delay * 2;
            Restarts++;
        }
    }

    private async ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        switch (_uri.Scheme)
        {
            case "exec":
                _process = CameraProcess.Start(_command);
                if (Volatile.Read(ref _disposed) != 0)
                {
                    await _process.DisposeAsync().ConfigureAwait(false);
                }

                return _process.Output;
            case "stdin":
                return Console.OpenStandardInput();
            default:
                if (!File.Exists(_uri.Path))
                {
                    throw new FileNotFoundException($"Source '{_uri}': the FIFO '{_uri.Path}' does not exist: create it with mkfifo {_uri.Path}.", _uri.Path);
                }

                // Opening a FIFO for reading blocks until a writer opens it: off the caller's thread.
                return await Task.Run(() => new FileStream(_uri.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After the stream ended: whether to start again; throws when the program failed for good.</summary>
    private async ValueTask<bool> ShouldRestartAsync(int pictures, int runsWithoutPictures, CancellationToken cancellationToken)
    {
        if (_uri.Scheme != "exec")
        {
            return _restart == CameraRestartPolicy.Always;
        }

        var process = _process!;
        var exitCode = await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var errors = process.RecentErrors;
        await process.DisposeAsync().ConfigureAwait(false);
        var failed = exitCode != 0;
        if (failed && _restart == CameraRestartPolicy.Never)
        {
            throw new IOException($"Source '{_uri}': '{_command[0]}' exited with code {exitCode}. Its standard error ends with:\n{errors}");
        }

        if (pictures == 0 && runsWithoutPictures + 1 >= MaxRunsWithoutPictures && (failed || _restart == CameraRestartPolicy.Always))
        {
            throw new IOException($"Source '{_uri}': '{_command[0]}' ended {MaxRunsWithoutPictures} times in a row without sending a picture " +
                $"(last exit code {exitCode}). Its standard error ends with:\n{errors}");
        }

        return _restart == CameraRestartPolicy.Always || (failed && _restart == CameraRestartPolicy.OnFailure);
    }

    private static CameraRestartPolicy RestartPolicy(SourceUri uri, CameraRestartPolicy fallback) =>
        !uri.Query.TryGetValue("restart", out var text) ? fallback : text.ToLowerInvariant() switch
        {
            "never" or "no" => CameraRestartPolicy.Never,
            "on-failure" => CameraRestartPolicy.OnFailure,
            "always" => CameraRestartPolicy.Always,
            _ => throw new ArgumentException($"Source '{uri}': restart={text} is not a restart policy; use restart=never, restart=on-failure or restart=always."),
        };

    private static VideoCodec Codec(SourceUri uri) =>
        !uri.Query.TryGetValue("codec", out var codec) ? VideoCodec.H264 : codec.ToLowerInvariant() switch
        {
            "h264" or "avc" => VideoCodec.H264,
            "h265" or "hevc" => VideoCodec.H265,
            _ => throw new ArgumentException($"Source '{uri}': codec={codec} is not supported; use codec=h264 (rpicam-vid's default) or codec=h265."),
        };

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _process is { } process)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }
}
