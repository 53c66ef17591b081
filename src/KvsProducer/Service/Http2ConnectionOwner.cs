using System.Net.Sockets;

namespace KvsProducer.Service;

/// <summary>
/// The TCP connection of one HTTP/2 PutMedia exchange. Each exchange has its own handler and so its own connection,
/// which lets giving up on it reset the connection (RST, like HTTP/1.1) instead of only cancelling the stream:
/// RST_STREAM travels behind the DATA frames already queued on the connection, so the endpoint would still receive
/// them after the next session had re-sent them (issue 11, duplicates). Reset discards what the kernel still holds.
/// </summary>
internal sealed class Http2ConnectionOwner
{
    private readonly Lock _lock = new();
    private Socket? _socket;
    private bool _reset;

    /// <summary>Connects for the handler (its ConnectCallback) and keeps the socket; TCP_NODELAY as on HTTP/1.1.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (_reset)
                {
                    throw new OperationCanceledException("The exchange was given up while connecting.");
                }

                _socket = socket;
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Resets the connection (linger 0): the peer sees RST, and nothing still queued is sent.</summary>
    public void Reset()
    {
        Socket? socket;
        lock (_lock)
        {
            _reset = true;
            socket = _socket;
        }

        if (socket is null)
        {
            return;
        }

        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        socket.Close();
    }
}
