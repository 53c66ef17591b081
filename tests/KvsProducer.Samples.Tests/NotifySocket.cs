using System.Net.Sockets;
using System.Text;

namespace KvsProducer.Samples.Tests;

/// <summary>
/// A fake systemd notification socket: a unix datagram socket the test binds and reads, given to the
/// sample as NOTIFY_SOCKET. Each datagram is one sd_notify message ("READY=1", "WATCHDOG=1", ...).
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly string _directory = Directory.CreateTempSubdirectory("kvs-notify-").FullName;

    public NotifySocket()
    {
        Path = System.IO.Path.Combine(_directory, "notify.sock");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    public string Path { get; }

    /// <summary>
    /// The messages that arrive within <paramref name="window"/>, each with when it arrived; what was
    /// queued before (sent while nobody was reading) is discarded first.
    /// </summary>
    public async Task<List<(TimeSpan At, string Message)>> ReceiveForAsync(TimeSpan window)
    {
        var received = new List<(TimeSpan, string)>();
        var buffer = new byte[4096];
        while (_socket.Available > 0)
        {
            _socket.Receive(buffer);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(window);
        try
        {
            while (true)
            {
                var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                received.Add((clock.Elapsed, Encoding.UTF8.GetString(buffer, 0, length)));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return received;
    }

    public void Dispose()
    {
        _socket.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
