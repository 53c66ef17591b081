namespace KvsProducer;

/// <summary>
/// How long <see cref="KinesisVideoStream.StopAsync(DrainOptions, CancellationToken)"/> waits for the buffer to
/// drain. By default it waits as long as the upload keeps trying: a slow link or an outage only makes the
/// drain longer; it ends early only when the upload fails for good (the stream is gone, credentials are refused).
/// </summary>
public sealed record DrainOptions
{
    /// <summary>
    /// Give up when the upload made no progress for this long: no fragment was persisted, nothing was dropped and
    /// the service answered (BUFFERING, RECEIVED) no fragment later than before (answers repeated for the same
    /// fragment do not count: an endpoint that fails to store a fragment answers it again on every retry). An
    /// outage the uploader rides out with reconnects counts as no progress. Choose it longer than one fragment
    /// takes to send on the slowest link expected. Default <see cref="Timeout.InfiniteTimeSpan"/>.
    /// </summary>
    public TimeSpan NoProgressTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Give up after this long in total, progress or not. Default <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public TimeSpan Deadline { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and value that are out of range.</summary>
    public void Validate()
    {
        Check(NoProgressTimeout, nameof(NoProgressTimeout));
        Check(Deadline, nameof(Deadline));
    }

    private static void Check(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} {value} must be positive, or Timeout.InfiniteTimeSpan to wait as long as the upload keeps trying.", name);
        }
    }
}
