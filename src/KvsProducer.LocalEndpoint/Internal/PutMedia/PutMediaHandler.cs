using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KvsProducer.LocalEndpoint.Internal.ControlPlane;
using KvsProducer.LocalEndpoint.Internal.Faults;
using KvsProducer.LocalEndpoint.Internal.Mkv;
using KvsProducer.LocalEndpoint.Internal.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace KvsProducer.LocalEndpoint.Internal.PutMedia;

/// <summary>
/// <c>POST /putMedia</c>: validates the headers, answers 200 before the
/// first body byte (§3.3, §9.4), then reads the chunked body and writes ACKs concurrently, one
/// HTTP chunk per ACK (§4.1), with IDLE keep-alives and the idle close (§3.6).
/// </summary>
internal sealed class PutMediaHandler
{
    private readonly LocalKvsOptions _options;
    private readonly ControlPlaneApi _api;
    private readonly FragmentNumbers _numbers;
    private readonly FaultInjector _faults;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;

    public PutMediaHandler(LocalKvsOptions options, ControlPlaneApi api, FragmentNumbers numbers, FaultInjector faults, ILogger logger, CancellationToken shutdown)
    {
        _shutdown = shutdown;
        _options = options;
        _api = api;
        _numbers = numbers;
        _faults = faults;
        _logger = logger;
    }

    private enum EndReason
    {
        BodyComplete,
        Rejected,
        IdleTimeout,
        Dropped,
        ClientGone,
        ArchivalFailed,
    }

    public async Task HandleAsync(HttpContext context, string requestId)
    {
        PutMediaHeaders headers = PutMediaHeaders.Parse(context.Request.Headers);
        // An unknown stream is a 404 before any 200.
        StoredStream stream = _api.Resolve(headers.StreamName, headers.StreamArn);

        // A long-lived upload: no body size limit, no minimum data rate (a trickling client is
        // handled by the idle rules of §3.6, not by Kestrel).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rateFeature)
        {
            rateFeature.MinDataRate = null;
        }

        LocalKvsFaults faults = _faults.Current;
        PipeReader body = context.Request.BodyReader;
        CancellationToken aborted = context.RequestAborted;

        // Starting the first read makes Kestrel answer "Expect: 100-continue" with 100 Continue
        // at once; the 200 follows before any body byte is awaited.
        ValueTask<ReadResult> firstRead = body.ReadAsync(aborted);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            // One PutMedia per HTTP/1.1 connection: after the response ends Kestrel closes the
            // connection (FIN) instead of reading the rest of an abandoned body.
            // HTTP/2 forbids connection headers; ending the stream is enough there.
            context.Response.Headers.Connection = "close";
        }
        await context.Response.StartAsync(aborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);

        string sessionId = requestId;
        Log.SessionStarted(_logger, sessionId, stream.State.Name);
        using var session = new PutMediaSession(_options, stream, () => _api.IsActive(stream), _numbers, headers, faults, sessionId);
        var parser = new MkvIngestParser(session);
        var acks = Channel.CreateBounded<FragmentAck>(new BoundedChannelOptions(256) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, _shutdown);
        var receivedLimit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // the DropPutMediaAfterReceivedAcks fault
        Task writer = WriteAcksAsync(context.Response.Body, acks.Reader, faults, receivedLimit, stop.Token);
        // Durability runs beside the read loop: fsync never stalls ingestion; a bounded queue
        // pushes back on the client only when the disk falls behind.
        var persistQueue = Channel.CreateBounded<PersistJob>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var archivalFailed = new StrongBox<bool>();
        Task persister = PersistAsync(persistQueue.Reader, stream, acks.Writer, () =>
        {
            // ERROR ends the connection (kvs-protocol.md §4): stop reading the body; the loop below ends the session.
            archivalFailed.Value = true;
            body.CancelPendingRead();
        }, stop.Token);
        var batch = new Batch();
        using var monitor = new SessionMonitor(_options, faults, body, stream, _faults, sessionId); // disposed after monitorTask is awaited below
        Task monitorTask = monitor.RunAsync(acks.Writer, stop.Token);

        EndReason reason;
        AckErrorId errorId = 0;
        string? errorMessage = null;
        long received = 0;
        try
        {
            ReadResult result = await firstRead.ConfigureAwait(false);
            while (true)
            {
                if (result.IsCanceled || archivalFailed.Value)
                {
                    (reason, errorId, errorMessage) = archivalFailed.Value ? (EndReason.ArchivalFailed, AckErrorId.ArchivalError, null) : monitor.Verdict;
                    break;
                }

                if (receivedLimit.Task.IsCompleted)
                {
                    _faults.Report($"PutMedia {sessionId} dropped ({faults.DropMode}) after RECEIVED {faults.DropPutMediaAfterReceivedAcks}");
                    body.AdvanceTo(result.Buffer.Start);
                    reason = EndReason.Dropped;
                    break;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    monitor.DataArrived();
                    long take = buffer.Length;
                    bool drop = false;
                    if (faults.DropPutMediaAfterBytes is { } dropAfter && received + take >= dropAfter)
                    {
                        take = Math.Max(0, dropAfter - received);
                        drop = true;
                    }

                    try
                    {
                        foreach (ReadOnlyMemory<byte> segment in buffer.Slice(0, take))
                        {
                            parser.Feed(segment.Span);
                        }

                        session.FlushLive();
                    }
                    finally
                    {
                        received += take;
                        body.AdvanceTo(buffer.End);
                    }

                    await DeliverAsync(session, batch, acks.Writer, persistQueue.Writer, stop.Token).ConfigureAwait(false);
                    if (drop)
                    {
                        _faults.Report($"PutMedia {sessionId} dropped ({faults.DropMode}) after {received} bytes");
                        reason = EndReason.Dropped;
                        break;
                    }

                    if (faults.BandwidthLimit is { } limit)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)take / limit), _options.TimeProvider, stop.Token).ConfigureAwait(false);
                    }
                }
                else
                {
                    body.AdvanceTo(buffer.End);
                }

                if (result.IsCompleted)
                {
                    parser.Complete();
                    await DeliverAsync(session, batch, acks.Writer, persistQueue.Writer, stop.Token).ConfigureAwait(false);
                    reason = EndReason.BodyComplete;
                    break;
                }

                result = await body.ReadAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (IngestRejected rejected)
        {
            (reason, errorId, errorMessage) = (EndReason.Rejected, rejected.ErrorId, rejected.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException or BadHttpRequestException)
        {
            reason = EndReason.ClientGone;
        }

        monitor.Stop();
        if (reason == EndReason.Rejected)
        {
            Log.SessionRejected(_logger, sessionId, (int)errorId, errorMessage ?? string.Empty);
            try
            {
                // Fragments received before the error are still made durable and acknowledged.
                await DeliverAsync(session, batch, acks.Writer, persistQueue.Writer, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                reason = EndReason.ClientGone;
            }
        }

        // Everything RECEIVED is made durable, whatever ended the session.
        session.TakePersistJobs(batch.Jobs);
        foreach (PersistJob job in batch.Jobs)
        {
            await persistQueue.Writer.WriteAsync(job, CancellationToken.None).ConfigureAwait(false);
        }

        persistQueue.Writer.TryComplete();
        await persister.ConfigureAwait(false);
        if (reason == EndReason.Rejected)
        {
            try
            {
                await acks.Writer.WriteAsync(session.ErrorAck(errorId), stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                reason = EndReason.ClientGone;
            }
        }

        session.Abandon();
        acks.Writer.TryComplete();
        Log.SessionEnded(_logger, sessionId, reason.ToString(), received, session.FragmentsReceived);
        if (reason is EndReason.Dropped or EndReason.ClientGone)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(writer, monitorTask).ConfigureAwait(false);
            Drop(context, reason == EndReason.Dropped ? faults.DropMode : FaultDropMode.Reset);
            return;
        }

        await writer.ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await monitorTask.ConfigureAwait(false);
        // After an ERROR (or the idle limit) the service ends the response
        // and closes the connection. The client gets a moment to read the last ACKs while the rest
        // of its body is discarded; then the connection is closed.
        await context.Response.CompleteAsync().ConfigureAwait(false);
        if (reason != EndReason.BodyComplete && !await DrainAsync(body).ConfigureAwait(false))
        {
            context.Abort();
        }
    }

    /// <summary>Discards the rest of the request body for up to two seconds; true if it ended.</summary>
    private async Task<bool> DrainAsync(PipeReader body)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _options.TimeProvider);
        try
        {
            while (true)
            {
                ReadResult result = await body.ReadAsync(timeout.Token).ConfigureAwait(false);
                body.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return result.IsCompleted;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException or BadHttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Hands the ACKs gathered during parsing to the writer, then the received fragments to the persister.</summary>
    private static async Task DeliverAsync(PutMediaSession session, Batch batch, ChannelWriter<FragmentAck> acks, ChannelWriter<PersistJob> persist, CancellationToken cancellationToken)
    {
        batch.Acks.Clear();
        batch.Jobs.Clear();
        session.TakeAcks(batch.Acks);
        session.TakePersistJobs(batch.Jobs);
        foreach (FragmentAck ack in batch.Acks)
        {
            await acks.WriteAsync(ack, cancellationToken).ConfigureAwait(false);
        }

        // Queued after its RECEIVED, so a PERSISTED can never overtake it.
        foreach (PersistJob job in batch.Jobs)
        {
            await persist.WriteAsync(job, CancellationToken.None).ConfigureAwait(false);
        }

        batch.Acks.Clear();
        batch.Jobs.Clear();
    }

    /// <summary>Lists reused for every read of one session, so delivering ACKs allocates nothing per read.</summary>
    private sealed class Batch
    {
        public List<FragmentAck> Acks { get; } = [];

        public List<PersistJob> Jobs { get; } = [];
    }

    /// <summary>PERSISTED only once the fragment is durably on disk; runs until the queue completes.</summary>
    private async Task PersistAsync(ChannelReader<PersistJob> jobs, StoredStream stream, ChannelWriter<FragmentAck> acks, Action onArchivalFailure, CancellationToken cancellationToken)
    {
        await foreach (PersistJob job in jobs.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (stream.Deleted)
            {
                job.Discard(stream.Fragments);
                continue;
            }

            var answer = new FragmentAck(AckEventType.Persisted, job.Record.FragmentTimecode, job.Record.Number);
            try
            {
                await Task.Run(() => job.Persist(stream.Fragments, stream.State.DataRetentionInHours), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // Received but not stored (disk full while making it durable): the producer must learn that it is
                // not PERSISTED, or it would count it as stored; 5001 ARCHIVAL_ERROR (retriable), as the service.
                // Every fragment that fails gets its ERROR (the producer resends each); the first ends the session.
                Log.Unexpected(_logger, e, "/putMedia (persist)");
                job.Discard(stream.Fragments);
                answer = answer with { EventType = AckEventType.Error, ErrorId = AckErrorId.ArchivalError };
                onArchivalFailure();
            }

            if (job.AckRequired)
            {
                try
                {
                    await acks.WriteAsync(answer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
                {
                    // The client is gone: the fragment is stored all the same.
                }
            }
        }
    }

    private async Task WriteAcksAsync(Stream output, ChannelReader<FragmentAck> acks, LocalKvsFaults faults, TaskCompletionSource receivedLimit, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[FragmentAck.MaxEncodedLength];
        int received = 0;
        try
        {
            await foreach (FragmentAck ack in acks.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (faults.StopAcks || receivedLimit.Task.IsCompleted)
                {
                    continue;
                }

                if (faults.AckDelay > TimeSpan.Zero)
                {
                    await Task.Delay(faults.AckDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }

                // One ACK per HTTP chunk (Kestrel frames each write as a chunk).
                int length = ack.Encode(buffer);
                await output.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (ack.EventType == AckEventType.Received && ++received == faults.DropPutMediaAfterReceivedAcks)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _options.TimeProvider, CancellationToken.None).ConfigureAwait(false); // the client reads it before the drop
                    receivedLimit.TrySetResult(); // nothing more is written; the read loop drops the connection
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException)
        {
            // The client went away; the read side notices on its own.
        }
    }

    /// <summary>Ends the TCP connection: RST (linger 0) or FIN, then lets Kestrel drop it.</summary>
    private static void Drop(HttpContext context, FaultDropMode mode)
    {
        Socket? socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        try
        {
            if (socket is not null)
            {
                if (mode == FaultDropMode.Reset)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                else
                {
                    socket.Shutdown(SocketShutdown.Send);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        context.Abort();
    }

    /// <summary>
    /// Timers of one session through <see cref="TimeProvider"/>: IDLE ACKs while no data arrives,
    /// the idle close, the connection age limit (4003), the drop-after-time fault and stream
    /// deletion (4507). It stops the read loop by cancelling its pending read.
    /// </summary>
    private sealed class SessionMonitor : IDisposable
    {
        private readonly LocalKvsOptions _options;
        private readonly LocalKvsFaults _faults;
        private readonly PipeReader _body;
        private readonly StoredStream _stream;
        private readonly DateTimeOffset _started;
        private readonly CancellationTokenSource _stopped = new();
        private readonly FaultInjector _injector;
        private readonly string _sessionId;
        private long _lastDataTicks;

        public SessionMonitor(LocalKvsOptions options, LocalKvsFaults faults, PipeReader body, StoredStream stream, FaultInjector injector, string sessionId)
        {
            _injector = injector;
            _sessionId = sessionId;
            _options = options;
            _faults = faults;
            _body = body;
            _stream = stream;
            _started = options.TimeProvider.GetUtcNow();
            _lastDataTicks = _started.UtcTicks;
        }

        public (EndReason Reason, AckErrorId ErrorId, string? Message) Verdict { get; private set; } = (EndReason.ClientGone, 0, null);

        public void DataArrived() => Interlocked.Exchange(ref _lastDataTicks, _options.TimeProvider.GetUtcNow().UtcTicks);

        public void Stop() => _stopped.Cancel();

        public void Dispose() => _stopped.Dispose();

        public async Task RunAsync(ChannelWriter<FragmentAck> acks, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopped.Token);
            TimeSpan tick = TimeSpan.FromTicks(Math.Clamp(_options.IdleAckInterval.Ticks / 2, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
            using var timer = new PeriodicTimer(tick, _options.TimeProvider);
            long lastIdleAck = 0;
            try
            {
                while (await timer.WaitForNextTickAsync(linked.Token).ConfigureAwait(false))
                {
                    DateTimeOffset now = _options.TimeProvider.GetUtcNow();
                    TimeSpan idle = TimeSpan.FromTicks(now.UtcTicks - Interlocked.Read(ref _lastDataTicks));
                    if (idle >= _options.IdleTimeout)
                    {
                        End(EndReason.IdleTimeout, 0, null);
                        return;
                    }

                    if (now - _started >= _options.MaxConnectionDuration)
                    {
                        End(EndReason.Rejected, AckErrorId.MaxConnectionDurationReached, $"The PutMedia connection reached the {_options.MaxConnectionDuration} limit: open a new one.");
                        return;
                    }

                    if (_stream.Deleted)
                    {
                        End(EndReason.Rejected, AckErrorId.StreamDeleted, $"Stream '{_stream.State.Name}' was deleted.");
                        return;
                    }

                    if (_faults.DropPutMediaAfter is { } dropAfter && now - _started >= dropAfter)
                    {
                        _injector.Report($"PutMedia {_sessionId} dropped ({_faults.DropMode}) after {dropAfter}");
                        End(EndReason.Dropped, 0, null);
                        return;
                    }

                    // IDLE every interval while no data arrives.
                    if (idle >= _options.IdleAckInterval && now.UtcTicks - lastIdleAck >= _options.IdleAckInterval.Ticks)
                    {
                        lastIdleAck = now.UtcTicks;
                        await acks.WriteAsync(FragmentAck.Idle, linked.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ChannelClosedException)
            {
            }
        }

        private void End(EndReason reason, AckErrorId errorId, string? message)
        {
            Verdict = (reason, errorId, message);
            _body.CancelPendingRead();
        }
    }
}
