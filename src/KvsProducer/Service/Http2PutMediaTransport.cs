using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace KvsProducer.Service;

/// <summary>
/// PutMedia over HTTP/2 through SocketsHttpHandler, which is duplex on HTTP/2 (toolchain.md "HTTP for PutMedia").
/// Whether the real service offers h2 for PutMedia is unconfirmed (kvs-protocol.md §1.2), so this is an option, not
/// the default. Requests must not carry HTTP/1.1 connection headers (Connection, Transfer-Encoding): they are dropped,
/// so a SigV4 signature must not cover them on this transport. Stall detection uses HTTP/2 PING keep-alives.
/// </summary>
internal sealed class Http2PutMediaTransport : IPutMediaTransport
{
    private readonly HttpMessageInvoker _invoker;
    private readonly TlsClientSettings _tls;
    private readonly HttpTransportOptions _options;

    public Http2PutMediaTransport(HttpTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _tls = TlsClientSettings.Create(string.Empty, options, SslApplicationProtocol.Http2);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            SslOptions = _tls.Options,
            EnableMultipleHttp2Connections = true,
            // kvs-protocol.md §3.6: a PutMedia connection lives at most 45 minutes; new requests get fresh connections before that.
            PooledConnectionLifetime = TimeSpan.FromMinutes(40),
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectCallback = ConnectAsync,
        };
        if (options.StallTimeout is { } stall)
        {
            handler.KeepAlivePingDelay = stall;
            handler.KeepAlivePingTimeout = stall;
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        }

        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
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

        var exchange = new Http2Exchange(request, content, endpoint, _tls, _options);
        exchange.Start(_invoker, cancellationToken);
        await exchange.WaitForBodyStreamAsync(cancellationToken).ConfigureAwait(false);
        return exchange;
    }

    // Our own connect so refused/timeout errors carry the same kinds as HTTP/1.1, and TCP_NODELAY is set.
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }
}
