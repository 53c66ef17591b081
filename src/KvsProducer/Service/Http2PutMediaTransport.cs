using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace KvsProducer.Service;

/// <summary>
/// PutMedia over HTTP/2 through SocketsHttpHandler, which is duplex on HTTP/2 (as measured on .NET 10).
/// Whether the real service offers h2 for PutMedia is not documented, so this is an option, not
/// the default. Requests must not carry HTTP/1.1 connection headers (Connection, Transfer-Encoding): they are dropped,
/// so a SigV4 signature must not cover them on this transport. Stall detection uses HTTP/2 PING keep-alives. Each
/// exchange has its own connection, so one given up on can be reset without touching other streams' sessions.
/// </summary>
internal sealed class Http2PutMediaTransport : IPutMediaTransport
{
    private readonly TlsClientSettings _tls;
    private readonly HttpTransportOptions _options;

    public Http2PutMediaTransport(HttpTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _tls = TlsClientSettings.Create(string.Empty, options, SslApplicationProtocol.Http2);
    }

    /// <summary>A handler for one exchange: its own connection (see <see cref="Http2ConnectionOwner"/>).</summary>
    private HttpMessageInvoker CreateInvoker(Http2ConnectionOwner connection)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.ConnectTimeout,
            SslOptions = _tls.Options,
            // The KVS quotas: a PutMedia connection lives at most 45 minutes; the uploader rotates sessions before that.
            PooledConnectionLifetime = TimeSpan.FromMinutes(40),
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectCallback = connection.ConnectAsync,
        };
        if (_options.StallTimeout is { } stall)
        {
            handler.KeepAlivePingDelay = stall;
            // Unanswered pings must not end the connection while the uploader's stale-connection grace still reads
            // it for answers (a stopped endpoint answers neither pings nor fragments until it resumes; resetting it
            // earlier would resend what it holds): the uploader's staleness watch and grace decide first, and the
            // ping timeout stays the last resort, for streams that turn staleness detection off.
            handler.KeepAlivePingTimeout = stall + StreamDefinition.MaxStaleConnectionGrace;
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        }

        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public async ValueTask<IDuplexHttpExchange> StartAsync(Uri endpoint, string method, string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(headers);
        var content = new DuplexBodyContent();
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(endpoint, pathAndQuery))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
            {
                continue; // RFC 9113 §8.2.2: connection-specific fields are not allowed in HTTP/2
            }

            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = value;
            }
            else if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var connection = new Http2ConnectionOwner();
        var exchange = new Http2Exchange(request, content, endpoint, _tls, _options, CreateInvoker(connection), connection);
        exchange.Start(cancellationToken);
        try
        {
            await exchange.WaitForBodyStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await exchange.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return exchange;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // each exchange disposes its own handler
}
