using System.Net;
using System.Net.Sockets;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// A loopback TCP proxy that can freeze: while frozen it reads and writes nothing, so the kernel buffers fill
/// and the peers see a hung endpoint, as <c>kill -STOP</c> of the endpoint looks (issue 11). A connection a
/// peer reset while frozen is reset on the other side too when the proxy thaws. With <see cref="UploadBytesPerSecond"/>
/// it is also a slow uplink: client-to-endpoint bytes trickle through with little queued on the way (a small
/// receive buffer), as a narrow link in front of a router looks.
/// </summary>
internal sealed class FreezableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private volatile TaskCompletionSource _thawed = Thawed();
    private Task? _accepting;

    public FreezableProxy()
    {
        _listener.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>Where connections go; set before the first connection arrives.</summary>
    public int TargetPort { get; set; }

    /// <summary>Forward client-to-endpoint bytes no faster than this (null: as fast as they come). Set before Start.</summary>
    public int? UploadBytesPerSecond { get; set; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections { get; private set; }

    public void Start() => _accepting = AcceptAsync(_stop.Token);

    public void Freeze() => _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Thaw() => _thawed.TrySetResult();

    private static TaskCompletionSource Thawed()
    {
        var thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        thawed.SetResult();
        return thawed;
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await _thawed.Task.WaitAsync(cancellationToken); // a frozen endpoint accepts in the kernel only
            Connections++;
            if (UploadBytesPerSecond is not null)
            {
                client.ReceiveBufferSize = 2048; // little queued before the narrow link: what is not across is unacknowledged, as behind a router
            }

            var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, TargetPort), cancellationToken);
            lock (_pumps)
            {
                _pumps.Add(PumpAsync(client, server, cancellationToken, UploadBytesPerSecond));
                _pumps.Add(PumpAsync(server, client, cancellationToken));
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken, int? bytesPerSecond = null)
    {
        var buffer = new byte[bytesPerSecond is { } rate ? Math.Clamp(rate / 20, 512, 16 * 1024) : 16 * 1024]; // about 50 ms of a slow link per read
        try
        {
            while (true)
            {
                await _thawed.Task.WaitAsync(cancellationToken);
                var read = await from.ReceiveAsync(buffer, cancellationToken);
                await _thawed.Task.WaitAsync(cancellationToken);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), cancellationToken);
                if (bytesPerSecond is { } limit)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)read / limit), cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side reset (or the proxy stops): reset the other side too, as a single TCP path would.
            Reset(to);
            Reset(from);
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Thaw();
        await _stop.CancelAsync();
        _listener.Stop();
        if (_accepting is not null)
        {
            await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
