using KvsProducer.Service;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Buffering.Spool;

/// <summary>
/// A stream's disk buffer at work (docs/disk-buffer.md): writes every frame the live stream stores to the
/// <see cref="FrameSpool"/> (write-ahead), releases records as their fragments are PERSISTED, and uploads what is
/// left on disk through replay streams of its own: the backlog of an earlier run before the live upload starts, what
/// the memory buffer dropped (spilled) in slices while the live upload is paused once the link is healthy again, and
/// whatever is still on disk after the live stream has drained on stop.
/// </summary>
/// <remarks>
/// A replay is an Offline stream of the same name with its own PutMedia sessions, sent before (restart), between
/// (a paused live upload) or after (stop) the live sessions, never beside them: the service sees one connection per
/// stream at a time, and within each session fragment timecodes increase (PutMedia: fragment timecodes must increase within a session, https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_dataplane_PutMedia.html). A replay restarts its session whenever the spooled
/// timestamps go backwards (frames of different runs).
/// </remarks>
internal sealed class StreamDiskBuffer : ISpoolBinding, IAsyncDisposable
{
    private readonly StreamDefinition _definition;
    private readonly Func<StreamDefinition, KinesisVideoStream> _startReplayStream;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SpoolFragmentTracker _live;
    private readonly LiveUploadHealth _health;
    private readonly bool _keepsData;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationTokenSource _noMoreSlices = new();
    private Task _startupReplay = Task.CompletedTask;
    private Task _spillReplay = Task.CompletedTask;
    private KinesisVideoStream? _liveStream;

    public StreamDiskBuffer(StreamDefinition definition, bool keepsData, TimeProvider clock, ILogger logger, Func<StreamDefinition, KinesisVideoStream> startReplayStream)
    {
        _definition = definition;
        _keepsData = keepsData;
        _clock = clock;
        _logger = logger;
        _startReplayStream = startReplayStream;
        Spool = FrameSpool.Open(definition.DiskBuffer!, definition.Name, clock, logger);
        _live = new SpoolFragmentTracker(Spool, keepsData);
        _health = new LiveUploadHealth(clock, keepsData);
    }

    public FrameSpool Spool { get; }

    public string StreamName => _definition.Name;

    /// <summary>Follows the live stream's acknowledgements (releases, and the link's health) and errors.</summary>
    public void Attach(KinesisVideoStream live)
    {
        _liveStream = live;
        live.View.SpillsTo = Spool;
        live.FragmentAcknowledged += (_, ack) =>
        {
            _live.OnAcknowledged(ack);
            _health.OnAcknowledged(ack);
        };
        live.ErrorOccurred += (_, _) => _health.OnFailure();
    }

    /// <summary>
    /// Uploads the backlog of an earlier run (if any) in the background, then starts <paramref name="live"/>, so live
    /// sessions follow it; from then on uploads spilled frames in slices whenever the live upload has been healthy for
    /// <see cref="DiskBufferOptions.SpillReplayHealthyFor"/>.
    /// </summary>
    public void Start(StreamUploader live)
    {
        long backlogEnd = Spool.OpenedAt;
        if (Spool.CountUnreleased(backlogEnd) == 0)
        {
            StartLive(live);
            return;
        }

        _startupReplay = Task.Run(async () =>
        {
            try
            {
                await ReplayAsync(Spool.ReadBacklog(backlogEnd), Spool.CountUnreleased(backlogEnd), "left by an earlier run", slice: null, _lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_lifetime.IsCancellationRequested)
            {
                SpoolLog.ReplayFailed(_logger, StreamName, e);
            }
            finally
            {
                if (!_lifetime.IsCancellationRequested)
                {
                    StartLive(live);
                }
            }
        });
    }

    /// <summary>Before the live stream drains: the startup replay must have handed over to the live uploader, and a spill slice in progress must have ended (no new one starts).</summary>
    public async Task BeforeStopAsync(CancellationToken cancellationToken)
    {
        await _startupReplay.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _noMoreSlices.CancelAsync().ConfigureAwait(false);
        await _spillReplay.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the live stream drained: uploads what it spilled (every record still on disk).</summary>
    public Task AfterStopAsync(CancellationToken cancellationToken)
    {
        long end = Spool.NextSequence;
        return ReplayAsync(Spool.ReadBacklog(end), Spool.CountUnreleased(end), "spilled from memory", slice: null, cancellationToken);
    }

    public long Append(in Frame frame) => Spool.Append(frame);

    public void Stored(long sequence, in Frame frame, bool startsFragment, long fragmentTimecode)
    {
        _live.Stored(sequence, startsFragment, fragmentTimecode, frame.PresentationTime.Ticks);
        if (Spool.TakeSpilledLost() is > 0 and var lost)
        {
            // Spilled frames lost from disk too (segment deleted over MaxBytes): now they are dropped, and subscribers hear it.
            _liveStream?.OnDropped(new FramesDroppedEventArgs(
                FrameDropReason.DiskBufferFull, (int)Math.Min(lost, int.MaxValue), TimeSpan.Zero, TimeSpan.Zero, wasSent: false, errorId: 0, data: default));
        }
    }

    public bool OnDropped(FramesDroppedEventArgs dropped) => _live.OnDropped(dropped);

    /// <summary>Ends a replay in progress (its frames stay on disk); the live uploader is then disposed, and the buffer last, so late acknowledgements still release.</summary>
    public async Task CancelReplayAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _noMoreSlices.CancelAsync().ConfigureAwait(false);
        await _startupReplay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _spillReplay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await CancelReplayAsync().ConfigureAwait(false);
        Spool.Dispose();
        _lifetime.Dispose();
        _noMoreSlices.Dispose();
    }

    private void StartLive(StreamUploader live)
    {
        live.Start();
        var options = _definition.DiskBuffer!;
        if (options.SpillReplayHealthyFor != Timeout.InfiniteTimeSpan && _definition.Mode != StreamingMode.Offline)
        {
            _spillReplay = Task.Run(() => SpillReplay.RunAsync(this, live, options, _noMoreSlices.Token));
        }
    }

    /// <summary>Uploads the records <paramref name="reader"/> yields (all of them, or one <paramref name="slice"/>) through Offline replay streams; returns how many were stored.</summary>
    private async Task<long> ReplayAsync(SpoolBacklogReader reader, long frames, string why, SpillSlice? slice, CancellationToken cancellationToken)
    {
        using var _ = reader;
        if (frames == 0)
        {
            return 0;
        }

        if (slice is null)
        {
            SpoolLog.Replaying(_logger, StreamName, frames, why);
        }

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var token = lifetime.Token;
        long replayed = 0;
        long lastDecodingTicks = long.MinValue;
        KinesisVideoStream? replay = null;
        SpoolReplayBinding? binding = null;
        try
        {
            while (reader.TryRead(out var header, out var payload))
            {
                if (slice is not null)
                {
                    if (slice.EndsBefore(header))
                    {
                        break; // stays on disk for the next slice
                    }

                    slice.Take(header);
                }

                if (replay is null || header.DecodingTicks <= lastDecodingTicks)
                {
                    // Timestamps went back (frames of another run): a new session, whose fragments start over.
                    if (replay is not null)
                    {
                        await replay.StopAsync(token).ConfigureAwait(false);
                        await replay.DisposeAsync().ConfigureAwait(false);
                    }

                    (replay, binding) = StartReplay();
                }

                lastDecodingTicks = header.DecodingTicks;
                binding!.Sequence = header.Sequence;
                binding.Consumed = false;
                bool stored;
                try
                {
                    stored = await replay.PutFrameAsync(header.ToFrame(payload), token).ConfigureAwait(false);
                }
                catch (FrameRejectedException)
                {
                    stored = false; // it broke a packaging rule when first put too: it can never be sent
                }

                if (stored)
                {
                    replayed++;
                    Spool.CountReplayed(1);
                }
                else if (!binding.Consumed)
                {
                    Spool.Release(header.Sequence, header.Sequence, persisted: false); // skipped (no key frame before it): unsendable, do not keep it forever
                }
            }

            if (replay is not null)
            {
                await replay.StopAsync(token).ConfigureAwait(false);
            }
        }
        finally
        {
            if (replay is not null)
            {
                await replay.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (slice is null)
        {
            SpoolLog.Replayed(_logger, StreamName, replayed);
        }

        return replayed;
    }

    private (KinesisVideoStream Stream, SpoolReplayBinding Binding) StartReplay()
    {
        var tracker = new SpoolFragmentTracker(Spool, _keepsData, countsSpills: false); // a replay stream closed early leaves its frames on disk as they were
        var binding = new SpoolReplayBinding(tracker);
        var stream = _startReplayStream(_definition with
        {
            Mode = StreamingMode.Offline,
            DiskBuffer = null,
            CreateIfMissing = false,
            Tags = new Dictionary<string, string>(),
            SegmentUid = ReadOnlyMemory<byte>.Empty,
            OfflineWaitTimeout = Timeout.InfiniteTimeSpan,
        });
        stream.AttachSpool(binding);
        stream.FragmentAcknowledged += (_, ack) => tracker.OnAcknowledged(ack);
        stream.ErrorOccurred += (_, _) => _health.OnFailure(); // the slice's link trouble is the live link's too
        return (stream, binding);
    }

    /// <summary>
    /// The mid-run replay of spilled frames (docs/disk-buffer.md): whenever spilled frames wait on disk and the live
    /// upload has been healthy for <see cref="DiskBufferOptions.SpillReplayHealthyFor"/>, pause it at a fragment start,
    /// upload one <see cref="SpillSlice"/> in its own session, resume it; the next slice waits for the live upload to
    /// be healthy that long again (so it catches up on what it buffered meanwhile).
    /// </summary>
    private static class SpillReplay
    {
        public static async Task RunAsync(StreamDiskBuffer buffer, StreamUploader live, DiskBufferOptions options, CancellationToken cancellationToken)
        {
            var period = TimeSpan.FromMilliseconds(Math.Clamp(options.SpillReplayHealthyFor.TotalMilliseconds / 4, 50, 1000));
            try
            {
                while (true)
                {
                    await Task.Delay(period, buffer._clock, cancellationToken).ConfigureAwait(false);
                    var healthyFor = buffer._health.HealthyFor;
                    long waiting = buffer.Spool.SpilledWaiting;
                    if (waiting == 0 || healthyFor < options.SpillReplayHealthyFor)
                    {
                        continue;
                    }

                    SpoolLog.SpillSliceStarting(buffer._logger, buffer.StreamName, healthyFor.TotalSeconds, waiting);
                    try
                    {
                        await live.PauseAsync(cancellationToken).ConfigureAwait(false);
                        // The slice runs to its end even when stop is requested meanwhile (stop waits for it): cut short,
                        // its sent but unanswered fragments would be uploaded twice. Disposing the stream ends it.
                        long replayed = await buffer.ReplayAsync(buffer.Spool.ReadSpilled(), waiting, "spilled", new SpillSlice(options.SpillSliceDuration, options.SpillSliceBytes), CancellationToken.None).ConfigureAwait(false);
                        SpoolLog.SpillSliceDone(buffer._logger, buffer.StreamName, replayed, buffer.Spool.SpilledWaiting);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        SpoolLog.ReplayFailed(buffer._logger, buffer.StreamName, e); // its frames stay on disk for a later slice
                    }
                    finally
                    {
                        buffer._health.OnFailure(); // the next slice waits until the resumed live upload has proven itself again
                        live.Resume();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || buffer._lifetime.IsCancellationRequested)
            {
                // Stopping or disposed: what is still spilled goes up after the live stream drained, or at the next start.
            }
        }
    }
}
