using System.Globalization;

namespace KvsProducer.Buffering;

/// <summary>
/// Watches a stopping stream's drain against <see cref="DrainOptions"/>: cancels the drain when the total
/// deadline passes or when the view's <see cref="ContentView.ProgressMark"/> stays unchanged for the
/// no-progress timeout, and says why. Polls (at most once a second) on the view's clock: a drain is rare and
/// long, so a timer per acknowledgement would cost more than it saves.
/// </summary>
internal sealed class DrainWatch(ContentView view, DrainOptions options)
{
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>Why the drain was given up, once it was; null while it may go on.</summary>
    public string? GaveUpReason { get; private set; }

    /// <summary>Runs until <paramref name="drain"/> is cancelled, cancelling it itself when an option runs out.</summary>
    public async Task RunAsync(CancellationTokenSource drain)
    {
        var clock = view.Clock;
        var period = Period();
        long start = clock.GetTimestamp();
        long lastProgress = start;
        long mark = view.ProgressMark;
        try
        {
            while (true)
            {
                await Task.Delay(period, clock, drain.Token).ConfigureAwait(false);
                long now = clock.GetTimestamp();
                long current = view.ProgressMark;
                if (current != mark)
                {
                    mark = current;
                    lastProgress = now;
                }

                GaveUpReason = Exceeded(options.Deadline, clock.GetElapsedTime(start, now), "DrainOptions.Deadline", "in total")
                    ?? Exceeded(options.NoProgressTimeout, clock.GetElapsedTime(lastProgress, now), "DrainOptions.NoProgressTimeout", "without progress (nothing persisted or dropped, no new fragment answered)");
                if (GaveUpReason is not null)
                {
                    await drain.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            // the drain ended (done, cancelled by the caller, or given up above)
        }
    }

    private string? Exceeded(TimeSpan limit, TimeSpan elapsed, string option, string what)
    {
        if (limit == Timeout.InfiniteTimeSpan || elapsed < limit)
        {
            return null;
        }

        var metrics = view.GetMetrics();
        return string.Create(CultureInfo.InvariantCulture,
            $"the drain waited {elapsed.TotalSeconds:0.#} s {what} ({option} {limit.TotalSeconds:0.#} s); {metrics.PersistedBytes} of {metrics.PutBytes} bytes "
            + $"({metrics.PersistedFrames} of {metrics.PutFrames} frames) were persisted, the rest is not sent. Allow a longer drain, or check the network and the endpoint.");
    }

    private TimeSpan Period()
    {
        var period = MaxPeriod;
        foreach (var limit in (ReadOnlySpan<TimeSpan>)[options.Deadline, options.NoProgressTimeout])
        {
            if (limit != Timeout.InfiniteTimeSpan && limit / 4 < period)
            {
                period = limit / 4;
            }
        }

        return period < MinPeriod ? MinPeriod : period;
    }
}
