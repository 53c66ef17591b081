namespace KvsProducer.Sources;

/// <summary>Feeding a stream from a source in one call.</summary>
public static class FrameSourceExtensions
{
    /// <summary>
    /// Puts every frame of <paramref name="source"/> into <paramref name="stream"/> until the source ends
    /// or <paramref name="cancellationToken"/> is cancelled; cancelling ends the copy, not the stream: the
    /// method returns normally, and <see cref="KinesisVideoStream.StopAsync(CancellationToken)"/> then sends what is buffered.
    /// With <paramref name="stampWithWallClock"/> (the default) the first frame is stamped with the current
    /// time and the others keep their spacing — what a live camera needs for absolute timecodes; otherwise
    /// the source's own timestamps are kept (recordings with their original times).
    /// <paramref name="paceToRealTime"/> (null = when the source is not live and the stream is not Offline)
    /// waits until each frame's time has come: a file or test pattern read faster than real time with
    /// wall-clock timestamps would run ahead of the clock, and Kinesis Video Streams refuses fragments
    /// from the future (ERROR 4007). Offline streams wait for buffer space; the others never block.
    /// Returns the number of frames the stream stored.
    /// </summary>
    public static async Task<long> CopyToAsync(this IFrameSource source, KinesisVideoStream stream, bool stampWithWallClock = true, bool? paceToRealTime = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(stream);
        var clock = timeProvider ?? TimeProvider.System;
        var offline = stream.Definition.Mode == StreamingMode.Offline;
        var pace = paceToRealTime ?? (!source.IsLive && !offline);
        TimeSpan? offset = stampWithWallClock ? null : TimeSpan.Zero;
        TimeSpan? firstDecodingTime = null;
        long started = 0;
        long stored = 0;
        try
        {
            await foreach (var frame in source.ReadFramesAsync(cancellationToken).ConfigureAwait(false))
            {
                if (pace)
                {
                    if (firstDecodingTime is null)
                    {
                        firstDecodingTime = frame.DecodingTime;
                        started = clock.GetTimestamp();
                    }

                    var wait = frame.DecodingTime - firstDecodingTime.Value - clock.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
                    }
                }

                offset ??= TimeSpan.FromMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds()) - frame.DecodingTime;
                var stamped = offset == TimeSpan.Zero
                    ? frame
                    : new Frame(frame.Data, frame.PresentationTime + offset.Value, frame.DecodingTime + offset.Value, frame.Duration, frame.Flags, frame.TrackNumber);
                var accepted = offline
                    ? await stream.PutFrameAsync(stamped, cancellationToken).ConfigureAwait(false)
                    : stream.PutFrame(stamped);
                stored += accepted ? 1 : 0;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelling ends the copy, not the stream: the caller's StopAsync still drains the buffer.
        }

        return stored;
    }
}
