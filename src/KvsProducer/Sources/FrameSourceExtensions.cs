namespace KvsProducer.Sources;

/// <summary>Feeding a stream from a source in one call.</summary>
public static class FrameSourceExtensions
{
    /// <summary>
    /// Puts every frame of <paramref name="source"/> into <paramref name="stream"/> until the source ends
    /// or <paramref name="cancellationToken"/>. With <paramref name="stampWithWallClock"/> (the default)
    /// the first frame is stamped with the current time and the others keep their spacing — what a live
    /// camera needs for absolute timecodes; otherwise the source's own timestamps are kept (recordings
    /// with their original times). Offline streams wait for buffer space; the others never block.
    /// Returns the number of frames the stream stored.
    /// </summary>
    public static async Task<long> CopyToAsync(this IFrameSource source, KinesisVideoStream stream, bool stampWithWallClock = true, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(stream);
        var clock = timeProvider ?? TimeProvider.System;
        TimeSpan? offset = stampWithWallClock ? null : TimeSpan.Zero;
        long stored = 0;
        await foreach (var frame in source.ReadFramesAsync(cancellationToken).ConfigureAwait(false))
        {
            offset ??= TimeSpan.FromMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds()) - frame.DecodingTime;
            var stamped = offset == TimeSpan.Zero
                ? frame
                : new Frame(frame.Data, frame.PresentationTime + offset.Value, frame.DecodingTime + offset.Value, frame.Duration, frame.Flags, frame.TrackNumber);
            var accepted = stream.Definition.Mode == StreamingMode.Offline
                ? await stream.PutFrameAsync(stamped, cancellationToken).ConfigureAwait(false)
                : stream.PutFrame(stamped);
            stored += accepted ? 1 : 0;
        }

        return stored;
    }
}
