using KvsProducer.Buffering;
using KvsProducer.Buffering.Spool;
using KvsProducer.Mkv;

namespace KvsProducer;

/// <summary>
/// One stream being produced: frames go in through <see cref="PutFrame"/> (any thread), are packaged
/// into the shared buffer in one copy, and an uploader sends them to Kinesis Video Streams, resending
/// after reconnects until they are acknowledged. Nothing accepted is lost without an event saying so.
/// </summary>
public sealed partial class KinesisVideoStream : IAsyncDisposable
{
    private readonly MkvFragmenter _fragmenter;
    private readonly ContentView _view;
    private readonly SemaphoreSlim _putGate = new(1, 1); // the fragmenter packages one frame at a time
    private readonly Func<KinesisVideoStream, CancellationToken, Task>? _stop;
    private readonly Func<ValueTask>? _dispose;
    private readonly TaskCompletionSource _firstFrameStored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stopped;
    private int _disposed;
    private ISpoolBinding? _spool; // docs/disk-buffer.md: frames are written to disk before they can be sent

    internal KinesisVideoStream(StreamDefinition definition, ContentView view, Func<KinesisVideoStream, CancellationToken, Task>? stop = null, Func<ValueTask>? dispose = null, TimeProvider? clock = null)
    {
        Definition = definition;
        _view = view;
        _stop = stop;
        _dispose = dispose;
        _fragmenter = new MkvFragmenter(definition.FragmenterOptions(definition.SegmentUid));
        _view.FramesDropped += (_, e) =>
        {
            if (_spool?.OnDropped(e) != true)
            {
                FramesDropped?.Invoke(this, e); // frames the disk buffer keeps (spilled) are not lost: not reported
            }
        };
        _view.PressureChanged += (_, e) => PressureChanged?.Invoke(this, e);
        _idleWatch = StartIdleWatch(clock ?? TimeProvider.System);
    }

    /// <summary>The stream's name.</summary>
    public string Name => Definition.Name;

    /// <summary>What the stream was started with.</summary>
    public StreamDefinition Definition { get; }

    /// <summary>Every acknowledgement the service sends: Buffering, Received, Persisted, Error, Idle.</summary>
    public event EventHandler<FragmentAck>? FragmentAcknowledged;

    /// <summary>Frames that will never reach the service, with the reason and their bytes (to spill to disk).</summary>
    public event EventHandler<FramesDroppedEventArgs>? FramesDropped;

    /// <summary>Storage, buffer-duration and latency pressure, on and off (with hysteresis).</summary>
    public event EventHandler<BufferPressureEventArgs>? PressureChanged;

    /// <summary>Upload problems the stream recovers from by itself (reconnects, throttling, service errors), for logs and dashboards.</summary>
    public event EventHandler<StreamErrorEventArgs>? ErrorOccurred;

    /// <summary>Frames skipped because no key frame had started the stream yet.</summary>
    public long FramesSkipped => _fragmenter.FramesSkipped;

    internal ContentView View => _view;

    /// <summary>Completes when the first frame (and so the stream header) is in the buffer: sessions start then.</summary>
    internal Task FirstFrameStored => _firstFrameStored.Task;

    internal MkvFragmenter Fragmenter => _fragmenter;

    /// <summary>The live uploader (set by the producer): the disk buffer pauses it to upload spilled frames.</summary>
    internal Service.StreamUploader? Uploader { get; set; }

    /// <summary>
    /// Packages <paramref name="frame"/> into the buffer without waiting. Realtime and NearRealtime make
    /// room by dropping the oldest fragments (reported through <see cref="FramesDropped"/>). Returns false
    /// when the frame was not stored: skipped while waiting for a key frame (counted in <see cref="FramesSkipped"/>),
    /// or refused by the buffer (also reported through <see cref="FramesDropped"/>).
    /// Offline streams must use <see cref="PutFrameAsync"/>.
    /// </summary>
    /// <exception cref="FrameRejectedException">The frame breaks a packaging rule; nothing changed.</exception>
    public bool PutFrame(in Frame frame)
    {
        if (Definition.Mode == StreamingMode.Offline)
        {
            throw new InvalidOperationException($"Stream '{Name}' is Offline: it waits for buffer space instead of dropping frames; call PutFrameAsync.");
        }

        _putGate.Wait();
        try
        {
            if (!TryPlan(frame, out var plan))
            {
                return false;
            }

            if (!_view.TryBeginFrame(Info(frame, plan), checked((int)plan.PackagedLength)))
            {
                _fragmenter.AbandonFragment(frame);
                return false;
            }

            return CommitToView(frame, plan);
        }
        finally
        {
            _putGate.Release();
        }
    }

    /// <summary>
    /// Packages <paramref name="frame"/>; an Offline stream waits (up to OfflineWaitTimeout, then
    /// <see cref="TimeoutException"/>) until acknowledgements free room, so no frame is ever dropped.
    /// The frame's bytes may be reused once the returned task completes.
    /// </summary>
    public async ValueTask<bool> PutFrameAsync(Frame frame, CancellationToken cancellationToken = default)
    {
        await _putGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryPlan(frame, out var plan))
            {
                return false;
            }

            if (!await _view.BeginFrameAsync(Info(frame, plan), checked((int)plan.PackagedLength), cancellationToken).ConfigureAwait(false))
            {
                _fragmenter.AbandonFragment(frame);
                return false;
            }

            return CommitToView(frame, plan);
        }
        finally
        {
            _putGate.Release();
        }
    }

    /// <summary>
    /// Adds metadata to the next fragment (persistent: to every fragment until cancelled with an empty
    /// value), as MKV tags the service stores with the fragment.
    /// </summary>
    public void PutFragmentMetadata(string name, string value, bool persistent = false)
    {
        _putGate.Wait();
        try
        {
            _fragmenter.PutFragmentMetadata(name, value, persistent);
        }
        finally
        {
            _putGate.Release();
        }
    }

    /// <summary>
    /// Requests Kinesis Video Streams events for the next fragment, as the official SDKs'
    /// <c>putKinesisVideoEventMetadata</c>: <see cref="StreamEventType.ImageGeneration"/> (an image to the
    /// stream's S3 destination, optional <see cref="StreamEventMetadata.ImagePrefix"/>) and/or
    /// <see cref="StreamEventType.Notification"/>, with up to 10 name/value pairs. The tags go before the next
    /// fragment's Cluster, so call it before the key frame that starts the fragment to tag (e.g. when motion is
    /// detected). Each event type at most once per fragment.
    /// </summary>
    public void PutEvent(StreamEventType events, StreamEventMetadata? metadata = null)
    {
        _putGate.Wait();
        try
        {
            _fragmenter.PutEvent(events, metadata);
        }
        finally
        {
            _putGate.Release();
        }
    }

    /// <summary>Buffer and transfer figures right now (the same values the Meter publishes).</summary>
    public StreamBufferMetrics GetMetrics() => _view.GetMetrics();

    /// <summary>The disk buffer's figures (the same values the Meter publishes as <c>kvs.spool.*</c>); null without <see cref="StreamDefinition.DiskBuffer"/>.</summary>
    public DiskBufferMetrics? GetDiskBufferMetrics() => (_spool as StreamDiskBuffer)?.Spool.GetMetrics();

    /// <summary>
    /// Stops taking frames, sends what is buffered and waits for the last fragment's acknowledgement
    /// (PERSISTED, or RECEIVED for a stream that keeps no data), until <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _putGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stopped = true;
        }
        finally
        {
            _putGate.Release();
        }

        if (_stop is not null)
        {
            await _stop(this, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops taking frames and drains like <see cref="StopAsync(CancellationToken)"/>, for as long as
    /// <paramref name="options"/> allow: by default as long as the upload keeps trying. Watch the drain with
    /// <see cref="GetMetrics"/> (<see cref="StreamBufferMetrics.PersistedBytes"/> of <see cref="StreamBufferMetrics.PutBytes"/>).
    /// </summary>
    /// <exception cref="TimeoutException">An option ran out; the message says which and how much was persisted.
    /// The uploader has stopped: what was not persisted is not sent.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task StopAsync(DrainOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = new DrainWatch(_view, options);
        var watching = watch.RunAsync(drain);
        try
        {
            await StopAsync(drain.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && watch.GaveUpReason is { } reason)
        {
            throw new TimeoutException($"Stream '{Name}': {reason}");
        }
        finally
        {
            await drain.CancelAsync().ConfigureAwait(false);
            await watching.ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // the producer disposes the streams still open; the app may too
        }

        _stopped = true;
        if (_idleWatch is not null)
        {
            await _idleWatch.DisposeAsync().ConfigureAwait(false);
        }

        if (_dispose is not null)
        {
            await _dispose().ConfigureAwait(false);
        }

        _view.Dispose();
        _putGate.Dispose();
    }

    internal void AttachSpool(ISpoolBinding spool) => _spool = spool;

    internal void OnDropped(FramesDroppedEventArgs dropped) => FramesDropped?.Invoke(this, dropped);

    internal void OnAcknowledged(FragmentAck ack) => FragmentAcknowledged?.Invoke(this, ack);

    internal void OnError(StreamErrorEventArgs error) => ErrorOccurred?.Invoke(this, error);

    private static FrameInfo Info(in Frame frame, in FramePlan plan) => new(
        frame.PresentationTime, frame.DecodingTime, frame.Duration, frame.Flags,
        plan.Outcome == FramePackagingOutcome.StartedFragment, plan.ClusterTimecode);

    /// <summary>Plans the frame; false when it is skipped (waiting for a key frame), which is recorded at once.</summary>
    private bool TryPlan(in Frame frame, out FramePlan plan)
    {
        ThrowIfStopped();
        plan = _fragmenter.Plan(frame);
        if (plan.Outcome == FramePackagingOutcome.SkippedBeforeKeyFrame)
        {
            _fragmenter.Commit(frame, plan, _view.Writer);
            return false;
        }

        if (plan.NewHeader is not null)
        {
            _view.SetHeader(plan.NewHeader);
        }

        return true;
    }

    private bool CommitToView(in Frame frame, in FramePlan plan)
    {
        long spooled = -1;
        try
        {
            _fragmenter.Commit(frame, plan, _view.Writer);
            spooled = _spool?.Append(frame) ?? -1; // write-ahead: on disk before the sender can see it
        }
        catch
        {
            _view.AbortFrame();
            throw;
        }

        _spool?.Stored(spooled, frame, plan.Outcome == FramePackagingOutcome.StartedFragment, plan.ClusterTimecode);
        _view.CommitFrame();
        RememberFrameForIdleWatch(frame);
        if (!_firstFrameStored.Task.IsCompleted)
        {
            _firstFrameStored.TrySetResult();
        }

        return true;
    }

    private void ThrowIfStopped()
    {
        if (_stopped)
        {
            throw new InvalidOperationException($"Stream '{Name}' is stopping or stopped: start a new stream to send more frames.");
        }
    }
}
