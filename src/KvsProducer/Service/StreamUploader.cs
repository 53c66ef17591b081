using System.Buffers;
using KvsProducer.Auth;
using KvsProducer.Buffering;
using KvsProducer.Mkv;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Service;

/// <summary>
/// Sends one stream's buffered MKV to Kinesis Video Streams: one PutMedia session at a time, each
/// starting with the stream header at a fragment start (the view's rollback rule), body written from
/// stored memory while ACKs are read on the same connection (the PutMedia API reference). Reconnects on any
/// failure with full-jitter backoff (first retry immediate), reconnects a stale connection, rotates the
/// connection before the service's 45-minute limit and before credentials expire, and on stop drains
/// the buffer and waits for the last acknowledgement.
/// </summary>
internal sealed partial class StreamUploader : IAsyncDisposable
{
    /// <summary>The official producers rotate well before the service's 45-minute connection limit (ErrorId 4003).</summary>
    internal static readonly TimeSpan DefaultMaxSessionAge = TimeSpan.FromMinutes(40);

    /// <summary>Rotate this long before credentials expire, so no request is signed with dying keys.</summary>
    internal static readonly TimeSpan CredentialRotationMargin = TimeSpan.FromMinutes(3);

    /// <summary>The shortest session rotation may cause, against a provider that hands out nearly expired credentials.</summary>
    internal static readonly TimeSpan MinimumSessionAge = TimeSpan.FromSeconds(1);

    private const int MaxChunk = 64 * 1024;

    private static readonly byte[] EndOfStreamTag = BuildEndOfStreamTag();

    private readonly KinesisVideoStream _stream;
    private readonly ContentView _view;
    private readonly StreamUploaderContext _context;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AsyncSignal _ackSignal = new();
    private readonly DateTimeOffset _producerStart;
    private volatile bool _stopping;
    private Task? _loop;
    private long _oldestUnacknowledgedSendTicks = -1;
    private long _writePendingSince = -1;
    private long _lastAckTicks;
    private long _acks;
    private long _sessionWritten;
    private long _sessionAnsweredFragments; // the most fragments any one ACK type answered in this session
    private readonly long[] _sessionAnswersByType = new long[3]; // BUFFERING, RECEIVED, PERSISTED; the ACK reader's alone

    /// <summary>
    /// Fragments a session may have started that the service has not answered yet (no BUFFERING, RECEIVED or
    /// PERSISTED), counting the one about to start. The service answers BUFFERING when a fragment's first bytes
    /// arrive, so a healthy connection never reaches this; a hung endpoint (stopped process, full receive queue)
    /// does, and then at most this many fragments wait in its kernel. That bound matters because what reached
    /// the peer's receive queue stays readable even after our reset (Linux delivers queued data before
    /// ECONNRESET): whatever the hung endpoint holds is stored when it resumes, while the next session resends
    /// it. Without the window a 20 s SIGSTOP put the whole 20 s there (fault suite: 525 frames stored twice).
    /// </summary>
    private const int MaxUnansweredFragments = 2;

    public StreamUploader(KinesisVideoStream stream, StreamUploaderContext context, ILogger logger)
    {
        _stream = stream;
        _view = stream.View;
        _context = context;
        _logger = logger;
        _producerStart = context.TimeProvider.GetUtcNow();
    }

    /// <summary>Sessions started so far (the first one and every reconnect or rotation).</summary>
    public int Sessions { get; private set; }

    /// <summary>Time to wait for a session's last acknowledgement when stopping.</summary>
    public TimeSpan MaxSessionAge { get; init; } = DefaultMaxSessionAge;

    public void Start() => _loop = Task.Run(() => RunAsync(_lifetime.Token));

    /// <summary>Sends what is buffered, ends the session, waits until every fragment is acknowledged (or <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _stopRequested.TrySetResult();
        Wake();
        try
        {
            await _drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _lifetime.CancelAsync().ConfigureAwait(false);
            if (_loop is not null)
            {
                await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _lifetime.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        try
        {
            // A stream stopped before its first frame has nothing to drain: without this, StopAsync waited for
            // a frame that would never come (until its token).
            await Task.WhenAny(_stream.FirstFrameStored, _stopRequested.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!_stream.FirstFrameStored.IsCompleted)
            {
                _drained.TrySetResult();
                return;
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                await HoldWhilePausedAsync(cancellationToken).ConfigureAwait(false); // StreamUploader.Pause.cs
                Exception? failure = null;
                var progressed = false;
                try
                {
                    var endpoint = await _context.ControlPlane.GetDataEndpointAsync(_stream.Name, DataEndpointApi.PutMedia, cancellationToken).ConfigureAwait(false);
                    var outcome = await RunSessionAsync(endpoint, cancellationToken).ConfigureAwait(false);
                    progressed = outcome.Progressed;
                    failure = outcome.Failure;
                    if (outcome.Drained)
                    {
                        _drained.TrySetResult();
                        return;
                    }
                }
                catch (Exception error) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = error;
                }

                if (failure is null)
                {
                    failures = 0; // a planned rotation: reconnect at once
                    continue;
                }

                if (IsFatal(failure))
                {
                    Log.UploadGaveUp(_logger, _stream.Name, failure);
                    _stream.OnError(new StreamErrorEventArgs(failure, isFatal: true, TimeSpan.Zero));
                    _view.FailWaitingProducers(failure);
                    _drained.TrySetException(failure);
                    return;
                }

                failures = progressed ? 1 : failures + 1;
                if (failure is KvsTransportException { Failure: KvsTransportFailure.ConnectionRefused or KvsTransportFailure.ConnectTimeout or KvsTransportFailure.NameResolution or KvsTransportFailure.Unreachable or KvsTransportFailure.Tls })
                {
                    _context.ControlPlane.Endpoints.Invalidate(_stream.Name, DataEndpointApi.PutMedia);
                }

                var delay = _context.Reconnect.GetDelay(failures);
                Log.Reconnecting(_logger, _stream.Name, delay.TotalMilliseconds, failure.Message);
                _stream.OnError(new StreamErrorEventArgs(failure, isFatal: false, delay));
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _context.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _drained.TrySetCanceled(cancellationToken);
        }
        catch (Exception error)
        {
            // Our bug, not the network's: report it rather than lose it in an unobserved task.
            Log.UploadGaveUp(_logger, _stream.Name, error);
            _stream.OnError(new StreamErrorEventArgs(error, isFatal: true, TimeSpan.Zero));
            _view.FailWaitingProducers(error);
            _drained.TrySetException(error);
        }
    }

    /// <summary>A stream that does not exist or a request the service calls invalid will not get better by retrying.</summary>
    private static bool IsFatal(Exception error) =>
        error is KinesisVideoServiceException { ErrorType: "ResourceNotFoundException" or "InvalidArgumentException" or "ResourceInUseException" };

    private async Task<SessionOutcome> RunSessionAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var credentials = await _context.Credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        var now = _context.ClockSkew.GetUtcNow();
        var producerStart = _stream.Definition.Timecodes == FragmentTimecodes.Relative ? _producerStart : now;
        var headers = PutMediaHeaders.Build(endpoint, _stream.Name, _stream.Definition.Timecodes, producerStart, _context.UserAgent, _context.Signer, credentials, now, http1: _context.Transport is Http1PutMediaTransport);

        await using var exchange = await _context.Transport.StartAsync(endpoint, "POST", PutMediaHeaders.Path, headers, session.Token).ConfigureAwait(false);
        var sessionId = _view.StartSession();
        Sessions++;
        // The request head counts as sent data: no 200 within ConnectionStaleAfter makes the session stale too.
        Interlocked.Exchange(ref _oldestUnacknowledgedSendTicks, _context.TimeProvider.GetTimestamp());
        Interlocked.Exchange(ref _sessionWritten, 0);
        Interlocked.Exchange(ref _sessionAnsweredFragments, 0);
        Array.Clear(_sessionAnswersByType);
        var reader = new SessionAckReader(this, sessionId);
        var readTask = reader.RunAsync(exchange, session.Token);
        var rotateAt = RotationTime(credentials, now);
        // One timer per session wakes a waiting sender at rotation time; stop wakes it too (Wake): no timer per wait.
        using var rotationWake = _context.TimeProvider.CreateTimer(static view => ((ContentView)view!).WakeSender(), _view, rotateAt - now, Timeout.InfiniteTimeSpan);
        Log.SessionStarted(_logger, _stream.Name, endpoint, sessionId);
        var endedCleanly = false;
        try
        {
            var writeTask = WriteAsync(exchange, sessionId, rotateAt, reader.Accepted, session.Token);
            var first = await Task.WhenAny(writeTask, readTask, WatchStalenessWithGraceAsync(exchange, sessionId, session.Token)).ConfigureAwait(false);
            if (first == readTask && readTask.IsCompletedSuccessfully && _stopping)
            {
                // Stopping: the service may close its response the moment our body ends, before the
                // write side has returned. That is the normal end, not a failure.
                first = await Task.WhenAny(writeTask, Task.Delay(TimeSpan.FromSeconds(5), _context.TimeProvider, session.Token)).ConfigureAwait(false);
            }

            if (first != writeTask)
            {
                // The response ended or failed, or the connection went stale, while we were still sending.
                // Reset it before anything else, so what it still queued cannot arrive after the next session resent it.
                exchange.Abort();
                await session.CancelAsync().ConfigureAwait(false);
                await ((Task)writeTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await readTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                return new SessionOutcome(reader.Progressed, Drained: false, first.Exception?.GetBaseException() ?? reader.EndReason());
            }

            var ending = await writeTask.ConfigureAwait(false);
            if (ending == WriteEnding.Stopped)
            {
                var drained = await WaitForLastAcknowledgementAsync(readTask, session.Token).ConfigureAwait(false);
                endedCleanly = drained;
                return new SessionOutcome(reader.Progressed, drained, drained ? null : reader.EndReason());
            }

            // Rotation: the body is complete. The service answers every fragment it got before it ends the
            // response; waiting for that end (bounded by the staleness limit) means the next session does not
            // resend what this one delivered (issue 11: rotation must not duplicate).
            await Task.WhenAny(readTask, Task.Delay(RotationDrainLimit, _context.TimeProvider, session.Token)).ConfigureAwait(false);
            endedCleanly = readTask.IsCompletedSuccessfully;
            return new SessionOutcome(reader.Progressed, Drained: false, Failure: null);
        }
        finally
        {
            if (!endedCleanly)
            {
                exchange.Abort(); // given up: nothing it still holds may reach the service later
            }

            await session.CancelAsync().ConfigureAwait(false);
            await readTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _view.EndSession(sessionId);
        }
    }

    /// <summary>How long a rotated session may take to answer what it was sent: the staleness limit, else 20 s.</summary>
    private TimeSpan RotationDrainLimit => _stream.Definition.ConnectionStaleAfter > TimeSpan.Zero ? _stream.Definition.ConnectionStaleAfter : TimeSpan.FromSeconds(20);

    private DateTimeOffset RotationTime(KvsCredentials credentials, DateTimeOffset now)
    {
        var rotateAt = now + MaxSessionAge;
        if (credentials.Expiration is { } expiry && expiry - CredentialRotationMargin < rotateAt)
        {
            rotateAt = expiry - CredentialRotationMargin;
        }

        // Credentials that are already inside the margin must not make every session end at once.
        return rotateAt < now + MinimumSessionAge ? now + MinimumSessionAge : rotateAt;
    }

    /// <summary>Writes stored bytes as they come; ends on stop (everything sent) or rotation.</summary>
    private async Task<WriteEnding> WriteAsync(IDuplexHttpExchange exchange, int sessionId, DateTimeOffset rotateAt, Task accepted, CancellationToken cancellationToken)
    {
        await accepted.WaitAsync(cancellationToken).ConfigureAwait(false);
        long fragmentsStarted = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool atFragmentStart = _view.NextReadStartsFragment(sessionId);
            if (atFragmentStart && PauseRequested)
            {
                await EndBodyAsync(exchange, cancellationToken).ConfigureAwait(false);
                return WriteEnding.Rotated; // StreamUploader.Pause.cs: ends like a rotation; the next session waits for Resume
            }

            if (!_stopping && atFragmentStart && _context.ClockSkew.GetUtcNow() >= rotateAt)
            {
                // Rotate between fragments, so the closing session leaves no fragment half sent.
                Log.Rotating(_logger, _stream.Name);
                await EndBodyAsync(exchange, cancellationToken).ConfigureAwait(false);
                return WriteEnding.Rotated;
            }

            if (atFragmentStart)
            {
                if (!MayStartFragment(fragmentsStarted))
                {
                    // Woken by the next acknowledgement or the grace's end; a hung endpoint sends none and the staleness watch ends the session.
                    _ackSignal.Reset();
                    if (!MayStartFragment(fragmentsStarted))
                    {
                        await _ackSignal.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                fragmentsStarted++;
            }

            if (_view.TryRead(sessionId, MaxChunk, out var data))
            {
                Interlocked.Exchange(ref _writePendingSince, _context.TimeProvider.GetTimestamp());
                try
                {
                    await exchange.WriteBodyAsync(data, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    _view.AdvanceSent(sessionId, 0); // nothing confirmed: the next session resends it
                    throw;
                }
                finally
                {
                    Interlocked.Exchange(ref _writePendingSince, -1);
                }

                _view.AdvanceSent(sessionId, data.Length);
                Interlocked.Add(ref _sessionWritten, data.Length);
                Interlocked.CompareExchange(ref _oldestUnacknowledgedSendTicks, _context.TimeProvider.GetTimestamp(), -1);
                continue;
            }

            if (_stopping)
            {
                await EndBodyAsync(exchange, cancellationToken).ConfigureAwait(false);
                return WriteEnding.Stopped;
            }

            // Woken by a committed frame, by stop (Wake) or at rotation time (the session's timer): nothing allocated per wait.
            await _view.WaitForDataAsync(sessionId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>§3.5: a session ends with the end-of-stream tag, then the zero-length chunk.</summary>
    private static async Task EndBodyAsync(IDuplexHttpExchange exchange, CancellationToken cancellationToken)
    {
        await exchange.WriteBodyAsync(EndOfStreamTag, cancellationToken).ConfigureAwait(false);
        await exchange.CompleteBodyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the last bytes of a stop: until the view holds nothing unacknowledged, or the response ends.</summary>
    private async Task<bool> WaitForLastAcknowledgementAsync(Task readTask, CancellationToken cancellationToken)
    {
        while (!IsDrained())
        {
            if (readTask.IsCompleted)
            {
                return IsDrained();
            }

            // Set by every acknowledgement and when the response ends (SessionAckReader): no polling timer.
            await _ackSignal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private bool IsDrained() => _view.IsFullyAcknowledged;

    /// <summary>
    /// Fails when the connection is stale: data was sent and nothing acknowledged it for ConnectionStaleAfter
    /// (the official producers' rule: no BUFFERING for data older than the limit). The time counts only while the
    /// socket takes what we write: on a link slower than the stream, writes wait for the link and the data ahead
    /// of a fragment is still in the queue, so its acknowledgement is late without anything being wrong (issue 11:
    /// on a slow link every reconnect restarted fragments the old connection was still sending). A write that
    /// waits for ConnectionStaleAfter with no acknowledgement meanwhile is stale too: the link carries nothing.
    /// Where the kernel tells how much of what we wrote the peer has not received yet (Linux), the time does not
    /// count while that queue drains either: the bytes ahead of the unanswered fragment are still crossing the link.
    /// </summary>
    private async Task WatchStalenessAsync(IDuplexHttpExchange exchange, CancellationToken cancellationToken)
    {
        var staleAfter = _stream.Definition.ConnectionStaleAfter;
        if (staleAfter <= TimeSpan.Zero)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            return;
        }

        var period = TimeSpan.FromMilliseconds(Math.Clamp(staleAfter.TotalMilliseconds / 4, 50, 1000));
        var clock = _context.TimeProvider;
        var unanswered = TimeSpan.Zero; // time with data unacknowledged while the socket was taking writes
        long acks = Interlocked.Read(ref _acks);
        long last = clock.GetTimestamp();
        long delivered = 0;
        while (true)
        {
            await Task.Delay(period, clock, cancellationToken).ConfigureAwait(false);
            long now = clock.GetTimestamp();
            var elapsed = clock.GetElapsedTime(last, now);
            last = now;
            long seen = Interlocked.Read(ref _acks);
            if (seen != acks || Interlocked.Read(ref _oldestUnacknowledgedSendTicks) < 0)
            {
                acks = seen;
                unanswered = TimeSpan.Zero;
                continue;
            }

            long pending = Interlocked.Read(ref _writePendingSince);
            if (pending < 0)
            {
                // Draining: the peer's TCP took more of what we wrote since the last look, and some is still queued.
                var queued = exchange.UnacknowledgedSendBytes;
                long nowDelivered = Interlocked.Read(ref _sessionWritten) - (queued ?? 0);
                bool draining = queued > 0 && nowDelivered > delivered;
                delivered = nowDelivered;
                unanswered += draining ? TimeSpan.Zero : elapsed;
            }
            else if (clock.GetElapsedTime(pending, now) > staleAfter && clock.GetElapsedTime(Math.Max(pending, Interlocked.Read(ref _lastAckTicks)), now) > staleAfter)
            {
                throw new KvsProducerException(
                    $"Stream '{_stream.Name}': a write waited {staleAfter.TotalSeconds:0.#} s with no acknowledgement (ConnectionStaleAfter): the connection is stale; reconnecting.");
            }

            if (unanswered > staleAfter)
            {
                throw new KvsProducerException(
                    $"Stream '{_stream.Name}': no acknowledgement for data sent {staleAfter.TotalSeconds:0.#} s ago (ConnectionStaleAfter): the connection is stale; reconnecting.");
            }
        }
    }

    private void Wake() => _view.WakeSender();

    private void OnAck(FragmentAck ack, int sessionId)
    {
        var timecode = (long)ack.FragmentTimecode;
        var outcome = ack.EventType switch
        {
            FragmentAckEventType.Buffering => _view.OnBuffering(sessionId, timecode),
            FragmentAckEventType.Received => _view.OnReceived(sessionId, timecode),
            FragmentAckEventType.Persisted => _view.OnPersisted(sessionId, timecode),
            FragmentAckEventType.Error => _view.OnError(sessionId, ack.HasFragmentTimecode ? timecode : null, ack.ErrorId ?? 0),
            _ => _view.OnIdle(sessionId),
        };
        if (ack.EventType is FragmentAckEventType.Buffering or FragmentAckEventType.Received or FragmentAckEventType.Persisted)
        {
            CountAnswered(ack.EventType);
        }

        if (ack.EventType != FragmentAckEventType.Idle)
        {
            Interlocked.Exchange(ref _oldestUnacknowledgedSendTicks, -1);
            Interlocked.Exchange(ref _lastAckTicks, _context.TimeProvider.GetTimestamp());
            Interlocked.Increment(ref _acks);
        }

        if (ack.EventType == FragmentAckEventType.Error)
        {
            Log.ErrorAck(_logger, _stream.Name, ack.ErrorId ?? 0, ack.ErrorCode ?? "", ack.FragmentTimecode);
        }

        if (outcome != AckOutcome.StaleSession)
        {
            _stream.OnAcknowledged(ack);
        }

        _ackSignal.Set();
    }

    /// <summary>Fragments answered in this session: the most of any one ACK type, so an endpoint that skips
    /// BUFFERING (and answers only RECEIVED or PERSISTED) still opens the window.</summary>
    private void CountAnswered(FragmentAckEventType type)
    {
        int index = type switch { FragmentAckEventType.Buffering => 0, FragmentAckEventType.Received => 1, _ => 2 };
        long count = ++_sessionAnswersByType[index];
        if (count > Interlocked.Read(ref _sessionAnsweredFragments))
        {
            Interlocked.Exchange(ref _sessionAnsweredFragments, count);
        }
    }

    private static byte[] BuildEndOfStreamTag()
    {
        var writer = new ArrayBufferWriter<byte>(64);
        MkvTagsWriter.WriteEndOfFragment(writer);
        return writer.WrittenSpan.ToArray();
    }

    private enum WriteEnding
    {
        Stopped,
        Rotated,
    }

    private readonly record struct SessionOutcome(bool Progressed, bool Drained, Exception? Failure);
}
