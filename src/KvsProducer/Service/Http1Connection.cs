using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;

namespace KvsProducer.Service;

/// <summary>
/// An HTTP/1.1 client connection over Socket (+ SslStream) for one duplex request at a time: the request body is
/// chunked and written straight from the caller's memory while the response is read concurrently.
/// as measured on .NET 10: SocketsHttpHandler cannot read an HTTP/1.1 response before the body is sent,
/// so PutMedia (the PutMedia API reference: ACKs arrive during the upload) needs this hand-written client.
/// One task may write (head, body, completion) while one other task reads (response head, body).
/// </summary>
internal sealed class Http1Connection : IDuplexHttpExchange
{
    /// <summary>Chunks up to this size are copied next to their framing and sent in one write; larger ones are not copied.</summary>
    /// <remarks>
    /// 32 KiB covers a whole 4–8 Mbit/s frame at 25 fps. Over TLS every write is at least one record, one
    /// encryption and one send(): framing, data and CRLF written apart cost three per frame. Copying the frame
    /// once is cheaper (footprint harness, docs/benchmarks.md "Device footprint": 3.0 → 2.0 sends per frame).
    /// </remarks>
    internal const int CoalesceLimit = 32 * 1024;

    // Large payloads are written in slices so the stall watchdog sees progress on slow links.
    private const int WriteSlice = 64 * 1024;

    private readonly Socket _socket;

    /// <inheritdoc/>
    public long? UnacknowledgedSendBytes => _disposed ? null : SocketSendQueue.Length(_socket);
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly string _authority;
    private readonly HttpTransportOptions _options;
    private readonly ITimer? _watchdog;
    private readonly byte[] _scratch = new byte[CoalesceLimit + 32];

    // Writer side.
    private bool _headSent;
    private bool _bodyCompleted;
    private long _writeSince;

    // Reader side.
    private HttpResponseHead? _head;
    private Http1BodyFraming _framing;
    private readonly Http1ChunkedDecoder _chunked = new();
    private long _contentRemaining;
    private ReadOnlySequence<byte> _buffer;
    private bool _haveBuffer;
    private bool _bufferCompleted;
    private bool _bodyDone;
    private long _readSince;

    private volatile string? _stalled;
    private volatile bool _disposed;
    private volatile bool _ignoreStalls;

    private Http1Connection(Socket socket, Stream stream, string authority, HttpTransportOptions options)
    {
        _socket = socket;
        _stream = stream;
        _authority = authority;
        _options = options;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        if (options.StallTimeout is { } stall)
        {
            var period = TimeSpan.FromTicks(Math.Max(stall.Ticks / 4, TimeSpan.FromMilliseconds(5).Ticks));
            // A weak reference: the timer must not keep a connection nobody disposed alive forever.
            _watchdog = options.TimeProvider.CreateTimer(
                static state =>
                {
                    if (((WeakReference<Http1Connection>)state!).TryGetTarget(out var connection))
                    {
                        connection.CheckStall();
                    }
                },
                new WeakReference<Http1Connection>(this),
                period,
                period);
        }
    }

    /// <summary>host:port as used in messages and the Host header.</summary>
    public string Authority => _authority;

    /// <summary>The negotiated TLS protocol, or null for plain HTTP.</summary>
    public SslProtocols? TlsProtocol => _stream is SslStream ssl ? ssl.SslProtocol : null;

    /// <summary>
    /// Resolves, connects (trying each address in turn) and, for https, performs the TLS handshake, all within
    /// <see cref="HttpTransportOptions.ConnectTimeout"/>. Failures are <see cref="KvsTransportException"/>s that say which step failed.
    /// </summary>
    public static async ValueTask<Http1Connection> ConnectAsync(Uri endpoint, HttpTransportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var secure = endpoint.Scheme switch
        {
            "https" => true,
            "http" => false,
            _ => throw new ArgumentException($"Endpoint '{endpoint}' must be an absolute http:// or https:// URL.", nameof(endpoint)),
        };
        var host = endpoint.IdnHost;
        var port = endpoint.Port;
        var authority = endpoint.IsDefaultPort ? host : $"{host}:{port}";

        using var timeout = new CancellationTokenSource(options.ConnectTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;
        Socket? socket = null;
        var step = "resolving the host name";
        var started = options.TimeProvider.GetTimestamp();
        try
        {
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, token).ConfigureAwait(false);
            step = "connecting";
            socket = await ConnectSocketAsync(addresses, port, authority, token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (secure)
            {
                step = "in the TLS handshake";
                stream = await AuthenticateAsync(stream, host, authority, options, token).ConfigureAwait(false);
            }

            HttpTransportLog.Connected(options.Logger, authority, socket.RemoteEndPoint, stream is SslStream ssl ? ssl.SslProtocol.ToString() : "plain", options.TimeProvider.GetElapsedTime(started).TotalMilliseconds);
            return new Http1Connection(socket, stream, authority, options);
        }
        catch (KvsTransportException e)
        {
            socket?.Dispose();
            HttpTransportLog.ConnectFailed(options.Logger, authority, e.Failure, e);
            throw;
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket?.Dispose();
            HttpTransportLog.ConnectFailed(options.Logger, authority, KvsTransportFailure.ConnectTimeout, e);
            throw new KvsTransportException(KvsTransportFailure.ConnectTimeout, $"Connecting to {authority} timed out after {options.ConnectTimeout.TotalSeconds:0.###} s {step}: check the network, the endpoint and any firewall.", e);
        }
        catch (SocketException e) when (step == "resolving the host name")
        {
            HttpTransportLog.ConnectFailed(options.Logger, authority, KvsTransportFailure.NameResolution, e);
            throw new KvsTransportException(KvsTransportFailure.NameResolution, $"The host name '{host}' did not resolve ({e.SocketErrorCode}: {e.Message}): check the endpoint URL and the device's DNS settings.", e);
        }
        catch
        {
            socket?.Dispose();
            throw;
        }
    }

    private static async ValueTask<Socket> ConnectSocketAsync(IPAddress[] addresses, int port, string authority, CancellationToken token)
    {
        if (addresses.Length == 0)
        {
            throw new KvsTransportException(KvsTransportFailure.NameResolution, $"The host of {authority} resolved to no address: check the endpoint URL and DNS.");
        }

        SocketException? last = null;
        var refused = 0;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }; // TCP_NODELAY, as the official C producer sets it
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), token).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
                refused += e.SocketErrorCode == SocketError.ConnectionRefused ? 1 : 0;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var tried = string.Join(", ", addresses.Select(a => a.ToString()));
        if (refused == addresses.Length)
        {
            throw new KvsTransportException(KvsTransportFailure.ConnectionRefused, $"Connection to {authority} refused ({tried}): nothing listens on port {port}; check the endpoint URL and that the server runs.", last);
        }

        var failure = last!.SocketErrorCode is SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown or SocketError.HostDown
            ? KvsTransportFailure.Unreachable
            : KvsTransportFailure.Network;
        throw new KvsTransportException(failure, $"Connecting to {authority} failed ({tried}): {last.SocketErrorCode} ({last.Message}).", last);
    }

    private static async ValueTask<Stream> AuthenticateAsync(Stream stream, string host, string authority, HttpTransportOptions options, CancellationToken token)
    {
        var settings = TlsClientSettings.Create(host, options, SslApplicationProtocol.Http11);
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(settings.Options, token).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            var reason = settings.Rejection ?? e.InnerException?.Message ?? e.Message;
            throw new KvsTransportException(KvsTransportFailure.Tls, $"TLS handshake with {authority} failed: {reason}.", e);
        }
        catch (IOException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new KvsTransportException(KvsTransportFailure.Tls, $"TLS handshake with {authority} failed: the server closed or reset the connection ({e.Message}); check that the endpoint speaks TLS 1.2+ and, for mutual TLS, that the client certificate is accepted.", e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // ---------------------------------------------------------------- writer side

    /// <summary>
    /// Writes the request line and headers. Adds <c>Host</c> and <c>Transfer-Encoding: chunked</c> unless given
    /// (the PutMedia API reference), and <c>Expect: 100-continue</c> when <paramref name="expectContinue"/>: then read the
    /// 100 with <see cref="ReadResponseHeadAsync(bool, CancellationToken)"/> (returnInformational) before writing the body.
    /// </summary>
    public async ValueTask SendRequestHeadAsync(string method, string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken, bool expectContinue = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_headSent)
        {
            throw new InvalidOperationException("The request head was already sent: one request per Http1Connection.");
        }

        var head = Http1RequestHeadWriter.Write(method, pathAndQuery, _authority, headers, expectContinue);
        _headSent = true;
        await WriteRawAsync(head, "sending the request head", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    // RFC 9112 §7.1: chunk = chunk-size (hex) CRLF chunk-data CRLF
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteBodyAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        EnsureWritable();
        if (data.IsEmpty)
        {
            return; // a zero-length chunk would end the body
        }

        if (data.Length <= CoalesceLimit)
        {
            var at = WriteChunkSizeLine(_scratch, data.Length);
            data.Span.CopyTo(_scratch.AsSpan(at));
            at += data.Length;
            "\r\n"u8.CopyTo(_scratch.AsSpan(at));
            await WriteRawAsync(_scratch.AsMemory(0, at + 2), "sending the request body", cancellationToken).ConfigureAwait(false);
            return;
        }

        await WriteRawAsync(_scratch.AsMemory(0, WriteChunkSizeLine(_scratch, data.Length)), "sending the request body", cancellationToken).ConfigureAwait(false);
        await WriteRawAsync(data, "sending the request body", cancellationToken).ConfigureAwait(false);
        await WriteRawAsync(Crlf, "sending the request body", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteBodyAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsSingleSegment)
        {
            await WriteBodyAsync(data.First, cancellationToken).ConfigureAwait(false);
            return;
        }

        EnsureWritable();
        if (data.Length <= CoalesceLimit)
        {
            var at = WriteChunkSizeLine(_scratch, (int)data.Length);
            data.CopyTo(_scratch.AsSpan(at));
            at += (int)data.Length;
            "\r\n"u8.CopyTo(_scratch.AsSpan(at));
            await WriteRawAsync(_scratch.AsMemory(0, at + 2), "sending the request body", cancellationToken).ConfigureAwait(false);
            return;
        }

        // One chunk for the whole sequence: its framing once, then each segment as it is.
        await WriteRawAsync(_scratch.AsMemory(0, WriteChunkSizeLine(_scratch, data.Length)), "sending the request body", cancellationToken).ConfigureAwait(false);
        foreach (var segment in data)
        {
            await WriteRawAsync(segment, "sending the request body", cancellationToken).ConfigureAwait(false);
        }

        await WriteRawAsync(Crlf, "sending the request body", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    // RFC 9112 §7.1: last-chunk = 1*("0") CRLF, then an empty trailer section CRLF
    public async ValueTask CompleteBodyAsync(CancellationToken cancellationToken)
    {
        EnsureWritable();
        _bodyCompleted = true;
        await WriteRawAsync(LastChunk, "ending the request body", cancellationToken).ConfigureAwait(false);
    }

    private static ReadOnlyMemory<byte> Crlf { get; } = "\r\n"u8.ToArray();

    private static ReadOnlyMemory<byte> LastChunk { get; } = "0\r\n\r\n"u8.ToArray();

    private static int WriteChunkSizeLine(Span<byte> destination, long size)
    {
        Utf8Formatter.TryFormat(size, destination, out var written, new StandardFormat('x'));
        destination[written] = (byte)'\r';
        destination[written + 1] = (byte)'\n';
        return written + 2;
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_headSent)
        {
            throw new InvalidOperationException("Send the request head before the body.");
        }

        if (_bodyCompleted)
        {
            throw new InvalidOperationException("The request body was already completed.");
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteRawAsync(ReadOnlyMemory<byte> data, string doing, CancellationToken cancellationToken)
    {
        try
        {
            while (!data.IsEmpty)
            {
                var slice = data.Length > WriteSlice ? data[..WriteSlice] : data;
                Volatile.Write(ref _writeSince, _options.TimeProvider.GetTimestamp());
                await _stream.WriteAsync(slice, cancellationToken).ConfigureAwait(false);
                data = data[slice.Length..];
            }
        }
        catch (Exception e) when (IsTransportError(e, cancellationToken))
        {
            throw Translate(e, doing);
        }
        finally
        {
            Volatile.Write(ref _writeSince, 0);
        }
    }

    // ---------------------------------------------------------------- reader side

    /// <inheritdoc/>
    public ValueTask<HttpResponseHead> ReadResponseHeadAsync(CancellationToken cancellationToken) => ReadResponseHeadAsync(false, cancellationToken);

    /// <summary>
    /// Reads the next response head. Interim 1xx heads are skipped unless <paramref name="returnInformational"/>
    /// (used with <c>Expect: 100-continue</c>: a 100 means "send the body", a final status means "don't").
    /// </summary>
    public async ValueTask<HttpResponseHead> ReadResponseHeadAsync(bool returnInformational, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_head is not null)
        {
            throw new InvalidOperationException("The final response head was already read.");
        }

        while (true)
        {
            var result = await ReadAsync("reading the response head", cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            bool parsed;
            HttpResponseHead? head;
            SequencePosition end;
            try
            {
                parsed = Http1ResponseHeadParser.TryParse(buffer, out head, out end);
            }
            catch (KvsTransportException e)
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                throw HttpWireText.From(e, _authority);
            }

            if (!parsed)
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw new KvsTransportException(KvsTransportFailure.PeerClosed, $"{_authority} closed the connection before a complete response head ({buffer.Length} bytes received: '{HttpWireText.Excerpt(buffer)}').");
                }

                continue;
            }

            _reader.AdvanceTo(end);
            if (head!.IsInformational && !returnInformational)
            {
                continue;
            }

            if (!head.IsInformational)
            {
                _head = head;
                _framing = Http1BodyFraming.For(head);
                _contentRemaining = _framing.Length;
                _bodyDone = _framing.Kind == Http1BodyKind.None;
            }

            return head;
        }
    }

    /// <inheritdoc/>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<HttpBodyRead> ReadBodyAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_head is null)
        {
            throw new InvalidOperationException("Read the final response head before the body.");
        }

        while (!_bodyDone)
        {
            if (!_haveBuffer)
            {
                var result = await ReadAsync("reading the response body", cancellationToken).ConfigureAwait(false);
                _buffer = result.Buffer;
                _bufferCompleted = result.IsCompleted;
                _haveBuffer = true;
            }

            switch (_framing.Kind)
            {
                case Http1BodyKind.Chunked:
                {
                    var reader = new SequenceReader<byte>(_buffer);
                    Http1ChunkStep step;
                    ReadOnlySequence<byte> data;
                    try
                    {
                        step = _chunked.Decode(ref reader, out data);
                    }
                    catch (KvsTransportException e)
                    {
                        throw HttpWireText.From(e, _authority);
                    }

                    _buffer = _buffer.Slice(reader.Position);
                    if (step == Http1ChunkStep.Data)
                    {
                        return new HttpBodyRead(data, false);
                    }

                    if (step == Http1ChunkStep.End)
                    {
                        _bodyDone = true;
                        break;
                    }

                    if (_bufferCompleted)
                    {
                        throw new KvsTransportException(KvsTransportFailure.PeerClosed, $"{_authority} closed the connection in the middle of the chunked response body (byte {_chunked.Offset} of the body; response {_head}).");
                    }

                    ReleaseBuffer(examinedAll: true);
                    break;
                }

                case Http1BodyKind.ContentLength:
                    if (_buffer.IsEmpty)
                    {
                        if (_bufferCompleted)
                        {
                            throw new KvsTransportException(KvsTransportFailure.PeerClosed, $"{_authority} closed the connection with {_contentRemaining} bytes of the Content-Length body missing (response {_head}).");
                        }

                        ReleaseBuffer(examinedAll: true);
                        break;
                    }

                    var take = Math.Min(_contentRemaining, _buffer.Length);
                    var piece = _buffer.Slice(0, take);
                    _buffer = _buffer.Slice(take);
                    _contentRemaining -= take;
                    _bodyDone = _contentRemaining == 0;
                    return new HttpBodyRead(piece, false);

                default: // UntilClose
                    if (_buffer.IsEmpty)
                    {
                        if (_bufferCompleted)
                        {
                            _bodyDone = true;
                            break;
                        }

                        ReleaseBuffer(examinedAll: true);
                        break;
                    }

                    var all = _buffer;
                    _buffer = _buffer.Slice(_buffer.End);
                    return new HttpBodyRead(all, false);
            }
        }

        if (_haveBuffer)
        {
            ReleaseBuffer(examinedAll: false);
        }

        return HttpBodyRead.End;
    }

    private void ReleaseBuffer(bool examinedAll)
    {
        if (examinedAll)
        {
            _reader.AdvanceTo(_buffer.Start, _buffer.End);
        }
        else
        {
            _reader.AdvanceTo(_buffer.Start);
        }

        _haveBuffer = false;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadAsync(string doing, CancellationToken cancellationToken)
    {
        try
        {
            Volatile.Write(ref _readSince, _options.TimeProvider.GetTimestamp());
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception e) when (IsTransportError(e, cancellationToken))
        {
            throw Translate(e, doing);
        }
        finally
        {
            Volatile.Write(ref _readSince, 0);
        }
    }

    // ---------------------------------------------------------------- errors and stalls

    /// <inheritdoc/>
    public void IgnoreStalls() => _ignoreStalls = true;

    private void CheckStall()
    {
        if (_disposed || _ignoreStalls || _stalled is not null || _options.StallTimeout is not { } stall)
        {
            return;
        }

        var writeSince = Volatile.Read(ref _writeSince);
        var readSince = Volatile.Read(ref _readSince);
        string? what = null;
        if (writeSince != 0 && _options.TimeProvider.GetElapsedTime(writeSince) > stall)
        {
            what = "a write made no progress (the server stopped reading the request body)";
        }
        else if (readSince != 0 && _options.TimeProvider.GetElapsedTime(readSince) > stall)
        {
            what = "no response bytes arrived";
        }

        if (what is not null)
        {
            _stalled = what;
            HttpTransportLog.Stalled(_options.Logger, _authority, what, stall);
            // Closing the socket fails the pending operation; Translate turns that into Stalled.
            _socket.Dispose();
        }
    }

    private static bool IsTransportError(Exception e, CancellationToken cancellationToken) =>
        e is IOException or SocketException or ObjectDisposedException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private KvsTransportException Translate(Exception e, string doing)
    {
        if (e is KvsTransportException transport)
        {
            return transport;
        }

        if (_stalled is { } stalled)
        {
            return new KvsTransportException(KvsTransportFailure.Stalled, $"Connection to {_authority} stalled while {doing}: {stalled} for more than {_options.StallTimeout!.Value.TotalSeconds:0.###} s; the connection was closed.", e);
        }

        if (_disposed)
        {
            return new KvsTransportException(KvsTransportFailure.PeerClosed, $"The connection to {_authority} was closed locally while {doing}.", e);
        }

        var socketError = FindSocketError(e);
        return socketError switch
        {
            SocketError.ConnectionReset => new KvsTransportException(KvsTransportFailure.ConnectionReset, $"{_authority} reset the connection while {doing}.", e),
            SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.NotConnected => new KvsTransportException(KvsTransportFailure.PeerClosed, $"{_authority} closed the connection while {doing} ({socketError}).", e),
            SocketError.TimedOut => new KvsTransportException(KvsTransportFailure.Stalled, $"The connection to {_authority} timed out in the kernel while {doing}.", e),
            _ => new KvsTransportException(KvsTransportFailure.Network, $"Network error on the connection to {_authority} while {doing}: {e.Message}", e),
        };
    }

    private static SocketError? FindSocketError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException socketException)
            {
                return socketException.SocketErrorCode;
            }
        }

        return null;
    }

    /// <summary>Resets the connection: SO_LINGER (on, 0 s) makes close send RST and discard the unsent send buffer (socket(7)).</summary>
    public void Abort()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true; // pending operations now report "closed locally"
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed (the stall watchdog): nothing left to reset.
        }

        _socket.Close();
        _watchdog?.Dispose();
        _stream.Dispose();
    }

    /// <summary>Closes the connection; pending reads and writes fail with <see cref="KvsTransportFailure.PeerClosed"/> ("closed locally").</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_watchdog is not null)
        {
            await _watchdog.DisposeAsync().ConfigureAwait(false);
        }

        _socket.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
