using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 client over a raw socket, full duplex: it writes a chunked request body
/// while reading the chunked response, one chunk at a time — what PutMedia needs and what
/// HttpClient cannot do on HTTP/1.1 (toolchain.md). The tests' own code, not the SDK's.
/// </summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(TcpClient client, Stream stream)
    {
        _client = client;
        _stream = stream;
    }

    public int Status { get; private set; }

    public bool SawContinue { get; private set; }

    /// <summary>The response body ended with the terminating 0-size chunk (an orderly end, not a drop).</summary>
    public bool SawLastChunk { get; private set; }

    /// <summary>A read failed with a TCP reset.</summary>
    public bool ResetByPeer { get; private set; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Chunked => Headers.TryGetValue("Transfer-Encoding", out string? te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);

    public static async Task<RawHttpConnection> ConnectAsync(Uri url, RemoteCertificateValidationCallback? validate = null)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(url.Host, url.Port);
        Stream stream = client.GetStream();
        if (url.Scheme == "https")
        {
            var ssl = new SslStream(stream, false, validate);
            await ssl.AuthenticateAsClientAsync(url.Host);
            stream = ssl;
        }

        return new RawHttpConnection(client, stream);
    }

    /// <summary>Sends the request head; with Expect: 100-continue it waits for the interim answer like libcurl.</summary>
    public async Task SendHeadAsync(string method, string target, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {target} HTTP/1.1\r\n");
        foreach ((string name, string value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await _stream.FlushAsync();
    }

    /// <summary>Reads status line(s) and headers of the response, skipping (and noting) 100 Continue.</summary>
    public async Task ReadResponseHeadAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            string statusLine = await ReadLineAsync(cts.Token) ?? throw new IOException("Connection closed before a status line.");
            Status = int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
            Headers.Clear();
            string? line;
            while (!string.IsNullOrEmpty(line = await ReadLineAsync(cts.Token)))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                Headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            if (Status == 100)
            {
                SawContinue = true;
                continue;
            }

            return;
        }
    }

    public async Task SendChunkAsync(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        await _stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
        await _stream.WriteAsync(data);
        await _stream.WriteAsync("\r\n"u8.ToArray());
        await _stream.FlushAsync();
    }

    public async Task EndBodyAsync()
    {
        await _stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        await _stream.FlushAsync();
    }

    /// <summary>Next chunk of a chunked response as text; null at the terminating chunk or at connection close.</summary>
    public async Task<string?> ReadChunkAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        string? sizeLine = await ReadLineAsync(cts.Token);
        if (sizeLine is null)
        {
            return null;
        }

        int size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (size == 0)
        {
            SawLastChunk = true;
            await ReadLineAsync(cts.Token);
            return null;
        }

        byte[] data = await ReadExactAsync(size, cts.Token);
        string? crlf = await ReadLineAsync(cts.Token);
        if (crlf != string.Empty)
        {
            throw new IOException("Chunk not followed by CRLF.");
        }

        return Encoding.UTF8.GetString(data);
    }

    /// <summary>A Content-Length body.</summary>
    public async Task<string> ReadBodyAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        int length = int.Parse(Headers["Content-Length"], CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetString(await ReadExactAsync(length, cts.Token));
    }

    /// <summary>True when the server has closed the connection (read returns 0 or fails with a reset).</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                if (_start < _end)
                {
                    _start = _end; // discard anything left
                }

                int n = await _stream.ReadAsync(_buffer, cts.Token);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException e)
        {
            ResetByPeer |= e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset };
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return line.Count == 0 ? null : Encoding.ASCII.GetString([.. line]);
            }

            byte b = _buffer[_start++];
            if (b == '\n')
            {
                if (line.Count > 0 && line[^1] == '\r')
                {
                    line.RemoveAt(line.Count - 1);
                }

                return Encoding.ASCII.GetString([.. line]);
            }

            line.Add(b);
        }
    }

    private async Task<byte[]> ReadExactAsync(int size, CancellationToken cancellationToken)
    {
        byte[] data = new byte[size];
        int filled = 0;
        while (filled < size)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new IOException($"Connection closed after {filled} of {size} bytes.");
            }

            int take = Math.Min(size - filled, _end - _start);
            Array.Copy(_buffer, _start, data, filled, take);
            _start += take;
            filled += take;
        }

        return data;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = 0;
        int n;
        try
        {
            n = await _stream.ReadAsync(_buffer, cancellationToken);
        }
        catch (IOException e)
        {
            ResetByPeer |= e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset };
            return false;
        }

        _end = n;
        return n > 0;
    }
}
