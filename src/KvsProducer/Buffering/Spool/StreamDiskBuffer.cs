using Microsoft.Extensions.Logging;

namespace KvsProducer.Buffering.Spool;

/// <summary>
/// A stream's disk buffer at work (docs/disk-buffer.md): writes every frame the live stream stores to the
/// <see cref="FrameSpool"/> (write-ahead), releases records as their fragments are PERSISTED, and uploads what is
/// left on disk through replay streams of its own: the backlog of an earlier run before the live upload starts, and
/// what the memory buffer dropped (spilled) after the live stream has drained on stop.
/// </summary>
/// <remarks>
/// A replay is an Offline stream of the same name with its own PutMedia sessions, sent before (restart) or after
/// (stop) the live sessions, never beside them: the service sees one connection per stream at a time, and within each
/// session fragment timecodes increase (PutMedia: fragment timecodes must increase within a session, https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_dataplane_PutMedia.html). A replay restarts its session whenever the spooled
/// timestamps go backwards (frames of different runs).
/// </remarks>
internal sealed class StreamDiskBuffer : ISpoolBinding, IAsyncDisposable
{
    private readonly StreamDefinition _definition;
    private readonly Func<StreamDefinition, KinesisVideoStream> _startReplayStream;
    private readonly ILogger _logger;
    private readonly SpoolFragmentTracker _live;
    private readonly bool _keepsData;
    private readonly CancellationTokenSource _lifetime = new();
    private Task _startupReplay = Task.CompletedTask;

    public StreamDiskBuffer(StreamDefinition definition, bool keepsData, TimeProvider clock, ILogger logger, Func<StreamDefinition, KinesisVideoStream> startReplayStream)
    {
        _definition = definition;
        _keepsData = keepsData;
        _logger = logger;
        _startReplayStream = startReplayStream;
        Spool = FrameSpool.Open(definition.DiskBuffer!, definition.Name, clock, logger);
        _live = new SpoolFragmentTracker(Spool, keepsData);
    }

    public FrameSpool Spool { get; }

    public string StreamName => _definition.Name;

    /// <summary>Follows the live stream's acknowledgements and drops.</summary>
    public void Attach(KinesisVideoStream live)
    {
        live.FragmentAcknowledged += (_, ack) => _live.OnAcknowledged(ack);
        live.FramesDropped += (_, dropped) => _live.OnDropped(dropped);
    }

    /// <summary>Uploads the backlog of an earlier run (if any) in the background, then calls <paramref name="startLive"/>, so live sessions follow it.</summary>
    public void Start(Action startLive)
    {
        long backlogEnd = Spool.OpenedAt;
        if (Spool.CountUnreleased(backlogEnd) == 0)
        {
            startLive();
            return;
        }

        _startupReplay = Task.Run(async () =>
        {
            try
            {
                await ReplayAsync(backlogEnd, "left by an earlier run", _lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_lifetime.IsCancellationRequested)
            {
                SpoolLog.ReplayFailed(_logger, StreamName, e);
            }
            finally
            {
                if (!_lifetime.IsCancellationRequested)
                {
                    startLive();
                }
            }
        });
    }

    /// <summary>Before the live stream drains: the startup replay must have handed over to the live uploader.</summary>
    public Task BeforeStopAsync(CancellationToken cancellationToken) => _startupReplay.WaitAsync(cancellationToken);

    /// <summary>After the live stream drained: uploads what it spilled (every record still on disk).</summary>
    public Task AfterStopAsync(CancellationToken cancellationToken)
        => ReplayAsync(Spool.NextSequence, "spilled from memory", cancellationToken);

    public long Append(in Frame frame) => Spool.Append(frame);

    public void Stored(long sequence, in Frame frame, bool startsFragment, long fragmentTimecode)
        => _live.Stored(sequence, startsFragment, fragmentTimecode, frame.PresentationTime.Ticks);

    /// <summary>Ends a replay in progress (its frames stay on disk); the live uploader is then disposed, and the buffer last, so late acknowledgements still release.</summary>
    public async Task CancelReplayAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _startupReplay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await CancelReplayAsync().ConfigureAwait(false);
        Spool.Dispose();
        _lifetime.Dispose();
    }

    private async Task ReplayAsync(long endSequence, string why, CancellationToken cancellationToken)
    {
        long frames = Spool.CountUnreleased(endSequence);
        if (frames == 0)
        {
            return;
        }

        SpoolLog.Replaying(_logger, StreamName, frames, why);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var token = lifetime.Token;
        using var reader = Spool.ReadBacklog(endSequence);
        long replayed = 0;
        long lastDecodingTicks = long.MinValue;
        KinesisVideoStream? replay = null;
        SpoolReplayBinding? binding = null;
        try
        {
            while (reader.TryRead(out var header, out var payload))
            {
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
                    Spool.Release(header.Sequence, header.Sequence); // skipped (no key frame before it): unsendable, do not keep it forever
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

        SpoolLog.Replayed(_logger, StreamName, replayed);
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
        stream.FramesDropped += (_, dropped) => tracker.OnDropped(dropped);
        return (stream, binding);
    }
}
