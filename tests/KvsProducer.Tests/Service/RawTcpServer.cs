using System.Net;
using System.Net.Sockets;

namespace KvsProducer.Tests.Service;

/// <summary>A one-connection TCP server on 127.0.0.1 whose behaviour the test scripts byte by byte (misbehaving peers).</summary>
internal sealed class RawTcpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Task _serving;
    private readonly CancellationTokenSource _stop = new();

    public RawTcpServer(Func<Socket, CancellationToken, Task> serve, int receiveBufferSize = 0)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBufferSize > 0)
        {
            _listener.ReceiveBufferSize = receiveBufferSize; // inherited by the accepted socket
        }

        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/");
        _serving = Task.Run(async () =>
        {
            using var socket = await _listener.AcceptAsync(_stop.Token);
            await serve(socket, _stop.Token);
        });
    }

    public Uri Address { get; }

    /// <summary>Reads until the end of the request head (CRLFCRLF) and returns how many bytes came.</summary>
    public static async Task<int> ReadRequestHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (!EndsHead(received))
        {
            var n = await socket.ReceiveAsync(buffer, cancellationToken);
            if (n == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, n));
        }

        return received.Count;

        static bool EndsHead(List<byte> bytes) =>
            bytes.Count >= 4 && System.Text.Encoding.ASCII.GetString(bytes.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _serving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or TimeoutException)
        {
            // the scripted peer ends by cancellation or because the client went away
        }

        _listener.Dispose();
        _stop.Dispose();
    }
}
