namespace KvsProducer.Cli;

/// <summary>
/// Ends the drain at the end of a run only when it cannot succeed (issue 11): after
/// <c>--stop-timeout</c> without any progress (no acknowledgement, no byte sent), after
/// the optional <c>--deadline</c> for the whole drain, or once the uploader gave up (a fatal error).
/// A slow link that keeps acknowledging is waited for, however long it takes.
/// </summary>
internal sealed class DrainWatch
{
    // Progress is looked for once a second: ACKs come every fragment (2 s by default) and bytes flow
    // continuously, so a second is fine-grained enough for timeouts counted in tens of seconds.
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private readonly KinesisVideoStream _stream;
    private readonly StreamStatus _status;
    private readonly TimeSpan? _noProgressTimeout;
    private readonly TimeSpan? _deadline;

    public DrainWatch(KinesisVideoStream stream, StreamStatus status, TimeSpan? noProgressTimeout, TimeSpan? deadline)
    {
        _stream = stream;
        _status = status;
        _noProgressTimeout = noProgressTimeout;
        _deadline = deadline;
    }

    /// <summary>Drains <see cref="_stream"/>; throws <see cref="KvsProducerException"/> saying why when it gave up.</summary>
    public async Task DrainAsync(CancellationToken interrupted)
    {
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(interrupted);
        var drain = _stream.StopAsync(giveUp.Token);
        var started = TimeProvider.System.GetTimestamp();
        var lastProgress = started;
        var last = _stream.GetMetrics();
        string? reason = null;
        while (!drain.IsCompleted)
        {
            await Task.WhenAny(drain, Task.Delay(Poll, interrupted)).ConfigureAwait(false);
            if (drain.IsCompleted || interrupted.IsCancellationRequested)
            {
                break;
            }

            var now = _stream.GetMetrics();
            if (Progressed(last, now))
            {
                lastProgress = TimeProvider.System.GetTimestamp();
            }

            last = now;

            if (_status.FatalError is { } fatal)
            {
                reason = $"the upload stopped: {CliFailure.OneLine(fatal.Message)}";
            }
            else if (_noProgressTimeout is { } idle && TimeProvider.System.GetElapsedTime(lastProgress) >= idle)
            {
                reason = $"no acknowledgement and no byte sent for --stop-timeout {idle.TotalSeconds:0.#} s";
            }
            else if (_deadline is { } deadline && TimeProvider.System.GetElapsedTime(started) >= deadline)
            {
                reason = $"the drain reached --deadline {deadline.TotalSeconds:0.#} s";
            }

            if (reason is not null)
            {
                await giveUp.CancelAsync().ConfigureAwait(false);
                break;
            }
        }

        try
        {
            await drain.ConfigureAwait(false);
            _status.OnDrained();
        }
        catch (OperationCanceledException) when (reason is not null)
        {
            var report = _status.Report();
            throw new KvsProducerException($"Stream '{_stream.Name}': {reason}; {report.FragmentsPersisted} fragments persisted, {report.FramesPut - report.FramesPersisted - report.FramesDropped - report.FramesSkipped} frames not acknowledged (run again to send them, or raise --stop-timeout).");
        }
    }

    /// <summary>
    /// The upload moved: fragments were acknowledged PERSISTED (or RECEIVED), or bytes were sent with no
    /// ERROR acknowledgement meanwhile (a fragment larger than a poll on a slow link). Not new sessions,
    /// nor resends answered by errors: a dead or failing endpoint gets those forever without anything moving.
    /// </summary>
    private static bool Progressed(StreamBufferMetrics before, StreamBufferMetrics after) =>
        after.PersistedAcks > before.PersistedAcks
        || after.ReceivedAcks > before.ReceivedAcks
        || (after.TransferredBytes > before.TransferredBytes && after.ErrorAcks == before.ErrorAcks);
}
