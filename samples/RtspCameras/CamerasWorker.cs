using KvsProducer;
using KvsProducer.Media;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RtspCameras;

/// <summary>
/// Streams every configured camera concurrently. A camera that drops is reconnected by
/// <see cref="MediaSource"/> itself (timestamps continue); one that cannot be opened is retried; one
/// that fails for good (wrong credentials, not H.264) is logged and stopped without touching the others.
/// </summary>
internal sealed partial class CamerasWorker(KinesisVideoProducer producer, IConfiguration configuration, ILoggerFactory loggerFactory, ILogger<CamerasWorker> logger) : BackgroundService
{
    private static readonly TimeSpan RetryOpenAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(25);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cameras = configuration.GetSection("Cameras").GetChildren().ToList();
        if (cameras.Count == 0)
        {
            throw new InvalidOperationException("No cameras configured: list them under 'Cameras', each with a 'Name' (the stream) and a 'Source' (rtsp://...).");
        }

        // Read every definition first, so a configuration mistake stops the service before anything streams.
        var definitions = cameras.Select(camera => (
            Source: camera["Source"] ?? throw new InvalidOperationException($"Configuration key '{camera.Path}:Source' is missing: give the camera's rtsp:// URI."),
            Definition: camera.GetStreamDefinition())).ToList();
        return Task.WhenAll(definitions.Select(camera => Task.Run(() => RunCameraAsync(camera.Source, camera.Definition, stoppingToken), CancellationToken.None)));
    }

    private async Task RunCameraAsync(string source, StreamDefinition definition, CancellationToken stoppingToken)
    {
        var options = new MediaSourceOptions { KeyFrameInterval = definition.FragmentDuration, LoggerFactory = loggerFactory };
        MediaSource? camera = null;
        while (camera is null)
        {
            try
            {
                camera = await MediaSource.OpenAsync(source, options, stoppingToken);
            }
            catch (MediaSourceException error) when (error.Reason is MediaErrorReason.Unreachable or MediaErrorReason.Timeout or MediaErrorReason.NotFound)
            {
                LogOpenFailed(definition.Name, error.Message, RetryOpenAfter);
                try
                {
                    await Task.Delay(RetryOpenAfter, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }

        await using (camera)
        {
            await using var stream = await producer.StartStreamAsync(definition with { Tracks = [camera.Track] }, stoppingToken);
            stream.ErrorOccurred += (_, error) => LogStreamError(stream.Name, error.Error.Message);
            LogStreaming(camera.DisplayName, stream.Name);
            var start = TimeSpan.Zero;
            long frames = 0;
            try
            {
                await foreach (var frame in camera.ReadFramesAsync(stoppingToken))
                {
                    if (frames++ == 0)
                    {
                        start = DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch - frame.DecodingTime; // camera time 0 → wall clock
                    }

                    stream.PutFrame(new Frame(frame.Data, frame.PresentationTime + start, frame.DecodingTime + start, frame.Duration, frame.Flags));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: drain below.
            }
            catch (MediaSourceException error)
            {
                LogCameraFailed(stream.Name, error.Reason, error.Message); // reconnecting did not help (or cannot): drain what we have
            }

            using var drain = new CancellationTokenSource(DrainTimeout);
            try
            {
                await stream.StopAsync(drain.Token);
                LogStopped(stream.Name, frames, camera.Reconnects);
            }
            catch (OperationCanceledException) when (drain.IsCancellationRequested)
            {
                LogDrainTimedOut(stream.Name, DrainTimeout);
            }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Streaming {Source} to {Stream}")]
    private partial void LogStreaming(string source, string stream);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped {Stream}: {Frames} frames put, {Reconnects} camera reconnects")]
    private partial void LogStopped(string stream, long frames, int reconnects);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Stream}: camera not reachable ({Message}); retrying in {Delay}")]
    private partial void LogOpenFailed(string stream, string message, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Stream}: camera failed for good ({Reason}): {Message}")]
    private partial void LogCameraFailed(string stream, MediaErrorReason reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Stream}: {Message}")]
    private partial void LogStreamError(string stream, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Stream}: not every fragment was acknowledged within {Timeout}")]
    private partial void LogDrainTimedOut(string stream, TimeSpan timeout);
}
