using System.Buffers;
using System.IO.Pipelines;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace KvsProducer.Service;

/// <summary>One duplex HTTP/2 request through SocketsHttpHandler: body written from the caller's memory, response read concurrently.</summary>
internal sealed class Http2Exchange : IDuplexHttpExchange
{
    private readonly HttpRequestMessage _request;
    private readonly DuplexBodyContent _content;
    private readonly Uri _endpoint;
    private readonly TlsClientSettings _tls;
    private readonly HttpTransportOptions _options;
    private readonly CancellationTokenSource _abort = new();
    private readonly HttpMessageInvoker _invoker;
    private readonly Http2ConnectionOwner _connection;
    private Task<HttpResponseMessage>? _response;
    private HttpResponseMessage? _message;
    private PipeReader? _body;
    private bool _haveBuffer;
    private ReadOnlySequence<byte> _buffer;

    public Http2Exchange(HttpRequestMessage request, DuplexBodyContent content, Uri endpoint, TlsClientSettings tls, HttpTransportOptions options, HttpMessageInvoker invoker, Http2ConnectionOwner connection)
    {
        _invoker = invoker;
        _connection = connection;
        _request = request;
        _content = content;
        _endpoint = endpoint;
        _tls = tls;
        _options = options;
    }

    public void Start(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        _response = _invoker.SendAsync(_request, linked.Token);
        _response.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Dispose(), linked, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits until the handler asks for the body, or fails with the connect/TLS/HTTP error.</summary>
    public async ValueTask WaitForBodyStreamAsync(CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(_content.Stream, _response!).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (first == _response)
        {
            // The response came before the body was requested: the request failed (or the server answered early).
            try
            {
                await _response.ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw Translate(e);
            }
        }
    }

    public async ValueTask WriteBodyAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var stream = await BodyStreamAsync().ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            throw Translate(e);
        }
    }

    public async ValueTask WriteBodyAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        foreach (var segment in data)
        {
            await WriteBodyAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask CompleteBodyAsync(CancellationToken cancellationToken)
    {
        _content.Complete();
        return ValueTask.CompletedTask;
    }

    public async ValueTask<HttpResponseHead> ReadResponseHeadAsync(CancellationToken cancellationToken)
    {
        try
        {
            _message = await _response!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Translate(e);
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in _message.Headers)
        {
            headers.AddRange(values.Select(v => new KeyValuePair<string, string>(name, v)));
        }

        foreach (var (name, values) in _message.Content.Headers)
        {
            headers.AddRange(values.Select(v => new KeyValuePair<string, string>(name, v)));
        }

        return new HttpResponseHead(_message.Version, (int)_message.StatusCode, _message.ReasonPhrase ?? string.Empty, headers);
    }

    public async ValueTask<HttpBodyRead> ReadBodyAsync(CancellationToken cancellationToken)
    {
        if (_message is null)
        {
            throw new InvalidOperationException("Read the response head before the body.");
        }

        if (_body is null)
        {
            var stream = await _message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            _body = PipeReader.Create(stream);
        }

        if (_haveBuffer)
        {
            _body.AdvanceTo(_buffer.End);
            _haveBuffer = false;
        }

        ReadResult result;
        try
        {
            result = await _body.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw Translate(e);
        }

        if (result.Buffer.IsEmpty && result.IsCompleted)
        {
            _body.AdvanceTo(result.Buffer.End);
            return HttpBodyRead.End;
        }

        _buffer = result.Buffer;
        _haveBuffer = true;
        return new HttpBodyRead(_buffer, false);
    }

    private async ValueTask<Stream> BodyStreamAsync()
    {
        if (_content.Stream.IsCompletedSuccessfully)
        {
            return _content.Stream.Result;
        }

        return await _content.Stream.ConfigureAwait(false);
    }

    private KvsTransportException Translate(Exception e)
    {
        var authority = _endpoint.Authority;
        if (e is OperationCanceledException)
        {
            return e.InnerException is TimeoutException
                ? new KvsTransportException(KvsTransportFailure.ConnectTimeout, $"HTTP/2 request to {authority} timed out (connect timeout {_options.ConnectTimeout.TotalSeconds:0.###} s).", e)
                : e.InnerException is { } inner ? Translate(inner)
                : new KvsTransportException(KvsTransportFailure.Network, $"HTTP/2 request to {authority} was cancelled by the HTTP handler ({e.Message}).", e);
        }

        var socketError = FindSocketError(e);
        if (socketError == SocketError.ConnectionRefused)
        {
            return new KvsTransportException(KvsTransportFailure.ConnectionRefused, $"Connection to {authority} refused: nothing listens there; check the endpoint URL.", e);
        }

        if (socketError == SocketError.ConnectionReset)
        {
            return new KvsTransportException(KvsTransportFailure.ConnectionReset, $"{authority} reset the HTTP/2 connection.", e);
        }

        if (e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } || Find<AuthenticationException>(e) is not null)
        {
            return new KvsTransportException(KvsTransportFailure.Tls, $"TLS handshake with {authority} failed: {_tls.Rejection ?? e.InnerException?.Message ?? e.Message}.", e);
        }

        var failure = e is HttpRequestException request ? request.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => KvsTransportFailure.NameResolution,
            HttpRequestError.ResponseEnded => KvsTransportFailure.PeerClosed,
            HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse or HttpRequestError.VersionNegotiationError => KvsTransportFailure.MalformedHttp,
            _ => KvsTransportFailure.Network,
        } : KvsTransportFailure.Network;
        var advice = e is HttpRequestException { HttpRequestError: HttpRequestError.VersionNegotiationError } || e.Message.Contains("HTTP_1_1_REQUIRED", StringComparison.Ordinal)
            ? " The endpoint does not offer HTTP/2: use the HTTP/1.1 transport."
            : string.Empty;
        return new KvsTransportException(failure, $"HTTP/2 request to {authority} failed: {e.Message}{advice}", e);
    }

    private static SocketError? FindSocketError(Exception? e) => Find<SocketException>(e)?.SocketErrorCode;

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>The exchange's own connection is reset (RST): a cancelled stream alone (RST_STREAM) would still let the
    /// DATA frames queued ahead of it reach the endpoint.</summary>
    public void Abort()
    {
        _connection.Reset();
        _content.Abort(new ObjectDisposedException(nameof(Http2Exchange)));
        _abort.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        _content.Abort(new ObjectDisposedException(nameof(Http2Exchange)));
        await _abort.CancelAsync().ConfigureAwait(false);
        if (_body is not null)
        {
            await _body.CompleteAsync().ConfigureAwait(false);
        }

        _message?.Dispose();
        _request.Dispose();
        _invoker.Dispose();
        _abort.Dispose();
    }
}
