namespace KvsProducer.Service;

/// <summary>
/// Pausing the live upload (docs/disk-buffer.md, "Spilled frames while the stream runs"): the session ends at a
/// fragment start the way a rotation ends it (end-of-stream tag, then waiting for the service's last answers), and the
/// next session waits until <see cref="Resume"/>. Frames put meanwhile wait in the memory buffer. Stop ends a pause:
/// a stopping stream drains (the disk buffer ends its slice before the stream stops the uploader, so the two sessions
/// never overlap).
/// </summary>
internal sealed partial class StreamUploader
{
    private readonly Lock _pauseGate = new();
    private TaskCompletionSource? _paused; // completed by the upload loop once no session is open
    private TaskCompletionSource? _resumed;

    /// <summary>True while a pause is requested and not yet resumed (the writer ends its session at the next fragment start).</summary>
    private bool PauseRequested => Volatile.Read(ref _resumed) is not null && !_stopping;

    /// <summary>
    /// Ends the current session at the next fragment start and holds the next session until <see cref="Resume"/>, so
    /// another upload of the same stream (the disk buffer's spilled frames) can use the one PutMedia connection the
    /// service allows per stream. Completes once no session is open (or the upload has ended for good). After a
    /// cancelled pause, call <see cref="Resume"/>.
    /// </summary>
    public async Task PauseAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource paused;
        lock (_pauseGate)
        {
            if (_resumed is not null)
            {
                throw new InvalidOperationException($"Stream '{_stream.Name}': the upload is paused already; call Resume first.");
            }

            paused = _paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _resumed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        Wake(); // a writer waiting for data re-checks at once
        // An upload that has ended (drained, given up, disposed) opens no session any more: that is paused too.
        await Task.WhenAny(paused.Task, _drained.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lets the upload start a fresh session; also undoes a <see cref="PauseAsync"/> still waiting.</summary>
    public void Resume()
    {
        TaskCompletionSource? resumed;
        lock (_pauseGate)
        {
            resumed = _resumed;
            _resumed = null;
            _paused = null;
        }

        resumed?.TrySetResult();
    }

    /// <summary>At the top of the upload loop, between sessions: holds while paused (until Resume or stop).</summary>
    private async Task HoldWhilePausedAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource? paused, resumed;
        lock (_pauseGate)
        {
            paused = _paused;
            resumed = _resumed;
        }

        if (paused is null || resumed is null || _stopping)
        {
            return;
        }

        // Not logged here: the disk buffer logs why it paused (SpoolLog 609/610), and this file adds no event id to Log.
        paused.TrySetResult();
        await Task.WhenAny(resumed.Task, _stopRequested.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
