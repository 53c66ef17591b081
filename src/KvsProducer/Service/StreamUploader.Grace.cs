namespace KvsProducer.Service;

/// <summary>
/// The stale-connection grace (issue 11, "silent duplicates after a hung endpoint"). A stopped endpoint
/// (SIGSTOP, a full receive queue, a network blackout) still stores what its kernel queued once it resumes: Linux
/// delivers queued data before our reset's ECONNRESET. Resetting at once and resending therefore stored up to the
/// unanswered window twice. Instead, a stale session starts no new fragment (the one being written is finished, so
/// the endpoint never holds half a cluster) and keeps reading answers for <see cref="StreamDefinition.StaleConnectionGrace"/>.
/// The first answer shows the endpoint is back: the session simply goes on (nothing is resent, no reconnect), and the
/// staleness watch starts over. Waiting for every fragment to be answered instead would wait forever for the last
/// one: the endpoint calls a fragment whole only when the next one starts, which the grace holds back. When the
/// grace expires without an answer the session is reset as before and the next one resends only the unanswered
/// fragments, counted as resent unconfirmed (the only frames that may be stored twice).
/// </summary>
internal sealed partial class StreamUploader
{
    private volatile bool _inGrace;

    /// <summary>Whether the writer may start another fragment: not during a grace, and not past the unanswered window.</summary>
    private bool MayStartFragment(long fragmentsStarted) =>
        !_inGrace && fragmentsStarted - Interlocked.Read(ref _sessionAnsweredFragments) < MaxUnansweredFragments;

    /// <summary>The staleness watch with its grace: fails when the session is stale and its grace ended unanswered.</summary>
    private async Task WatchStalenessWithGraceAsync(IDuplexHttpExchange exchange, int sessionId, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await WatchStalenessAsync(exchange, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (KvsProducerException) when (_stream.Definition.StaleConnectionGrace > TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
            {
                if (!await GraceAsync(exchange, sessionId, cancellationToken).ConfigureAwait(false))
                {
                    throw;
                }
            }
        }
    }

    /// <summary>True when the endpoint answered within the grace (or nothing sent waits for an answer); false when it expired.</summary>
    private async Task<bool> GraceAsync(IDuplexHttpExchange exchange, int sessionId, CancellationToken cancellationToken)
    {
        if (!_view.AwaitsAnswers(sessionId))
        {
            return false; // nothing sent waits for an answer (e.g. no 200 yet): a reset duplicates nothing
        }

        var grace = _stream.Definition.StaleConnectionGrace;
        var clock = _context.TimeProvider;
        // The transport's own stall check would close the connection under the grace (HTTP/1.1: 30 s by default).
        exchange.IgnoreStalls();
        _inGrace = true;
        long started = clock.GetTimestamp();
        long acks = Interlocked.Read(ref _acks);
        Log.GraceStarted(_logger, _stream.Name, sessionId, grace.TotalSeconds);
        var period = TimeSpan.FromMilliseconds(Math.Clamp(grace.TotalMilliseconds / 8, 20, 250));
        try
        {
            while (true)
            {
                if (Interlocked.Read(ref _acks) != acks || !_view.AwaitsAnswers(sessionId))
                {
                    Log.GraceAnswered(_logger, _stream.Name, sessionId, clock.GetElapsedTime(started).TotalSeconds);
                    return true;
                }

                if (clock.GetElapsedTime(started) >= grace)
                {
                    Log.GraceExpired(_logger, _stream.Name, sessionId, clock.GetElapsedTime(started).TotalSeconds);
                    return false;
                }

                await Task.Delay(period, clock, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _inGrace = false;
            _ackSignal.Set(); // the writer waiting at a fragment start re-checks
        }
    }
}
