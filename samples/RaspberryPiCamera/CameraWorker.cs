using KvsProducer;
using KvsProducer.Media;
using KvsProducer.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RaspberryPiCamera;

/// <summary>
/// Opens the camera, starts the stream and puts every frame until the host stops; then drains the
/// buffer (StopAsync waits for the last acknowledgement). A camera that fails (unplugged, busy) is
/// reopened after a pause, in a new stream session.
/// </summary>
internal sealed partial class CameraWorker(KinesisVideoProducer producer, IConfiguration configuration, StreamHealth health, ILoggerFactory loggerFactory, ILogger<CameraWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ReopenDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(25);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var camera = configuration.GetSection("Camera");
        var source = camera["Source"] ?? throw new InvalidOperationException("Configuration key 'Camera:Source' is missing: give the camera URI, e.g. v4l2:///dev/video0?size=1280x720&rate=30.");
        var definition = configuration.GetSection("Kvs:Stream").GetStreamDefinition();
        var mediaOptions = new MediaSourceOptions
        {
            Encoder = Enum.Parse<H264Encoder>(camera["Encoder"] ?? nameof(H264Encoder.Auto), ignoreCase: true), // Auto: h264_v4l2m2m on a Pi, else libx264
            Bitrate = int.Parse(camera["Bitrate"] ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            KeyFrameInterval = definition.FragmentDuration, // every fragment starts on a key frame
            PaceToRealTime = !source.StartsWith("v4l2:", StringComparison.Ordinal) && !source.StartsWith("rtsp:", StringComparison.Ordinal), // a test pattern or file streams like a camera
            LoggerFactory = loggerFactory,
        };

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StreamUntilStoppedAsync(source, mediaOptions, definition, stoppingToken);
            }
            catch (Exception error) when (error is MediaSourceException or IOException && !stoppingToken.IsCancellationRequested)
            {
                // IOException: an exec:/fifo: camera pipe that failed again and again (rpicam-vid's own error in the message).
                LogCameraFailed(error is MediaSourceException media ? media.Reason : MediaErrorReason.Other, error.Message, ReopenDelay);
                try
                {
                    await Task.Delay(ReopenDelay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task StreamUntilStoppedAsync(string source, MediaSourceOptions mediaOptions, StreamDefinition definition, CancellationToken stoppingToken)
    {
        // exec:rpicam-vid ... (the camera module through libcamera), stdin: and fifo: are H.264 pipes the core
        // reads itself; everything else (V4L2, RTSP, files, test patterns) goes through FFmpeg.
        var uri = SourceUri.Parse(source);
        await using IFrameSource camera = ElementaryStreamSources.CanOpen(uri)
            ? ElementaryStreamSources.Open(uri, TimeSpan.Zero)
            : await MediaSource.OpenAsync(source, mediaOptions, stoppingToken);
        await using var stream = await producer.StartStreamAsync(definition with { Tracks = [camera.Track] }, stoppingToken);
        var persisted = 0;
        stream.FragmentAcknowledged += (_, ack) =>
        {
            if (ack.EventType == FragmentAckEventType.Persisted)
            {
                Interlocked.Increment(ref persisted);
                health.FragmentPersisted();
            }
        };
        stream.ErrorOccurred += (_, error) => LogStreamError(stream.Name, error.Error.Message);
        stream.FramesDropped += (_, dropped) => LogFramesDropped(stream.Name, dropped.FrameCount, dropped.Reason);
        LogStreaming(camera is MediaSource media ? media.DisplayName : source, (camera as MediaSource)?.EncoderName ?? "passthrough", stream.Name);

        // The camera's timestamps start at 0: add the wall-clock time of the first frame.
        var start = TimeSpan.Zero;
        long frames = 0;
        try
        {
            await foreach (var frame in camera.ReadFramesAsync(stoppingToken))
            {
                if (frames++ == 0)
                {
                    start = DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch - frame.DecodingTime;
                }

                stream.PutFrame(new Frame(frame.Data, frame.PresentationTime + start, frame.DecodingTime + start, frame.Duration, frame.Flags));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: drain below.
        }

        using var drain = new CancellationTokenSource(DrainTimeout);
        try
        {
            await stream.StopAsync(drain.Token);
            LogStopped(stream.Name, frames, Volatile.Read(ref persisted));
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            LogDrainTimedOut(stream.Name, DrainTimeout, Volatile.Read(ref persisted));
        }
    }

    /// <summary>
    /// A failure the worker cannot recover from ends the service with exit code 1 (the host alone would
    /// exit 0), so systemd's Restart=on-failure and scripts see it.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);
        _ = ExecuteTask?.ContinueWith(task => Environment.ExitCode = 1, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Streaming {Source} ({Encoder}) to {Stream}")]
    private partial void LogStreaming(string source, string encoder, string stream);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped {Stream}: {Frames} frames put, {Persisted} fragments persisted")]
    private partial void LogStopped(string stream, long frames, int persisted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Stream}: not every fragment was acknowledged within {Timeout}; {Persisted} persisted")]
    private partial void LogDrainTimedOut(string stream, TimeSpan timeout, int persisted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Camera failed ({Reason}): {Message}; reopening in {Delay}")]
    private partial void LogCameraFailed(MediaErrorReason reason, string message, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Stream}: {Message}")]
    private partial void LogStreamError(string stream, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Stream}: {Count} frames dropped ({Reason})")]
    private partial void LogFramesDropped(string stream, int count, FrameDropReason reason);
}
