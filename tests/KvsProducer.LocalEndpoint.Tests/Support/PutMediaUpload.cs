using System.Globalization;
using System.Text.Json;

namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>A PutMedia request on a <see cref="RawHttpConnection"/>, with the C producer's headers (kvs-protocol.md §8.1).</summary>
internal sealed class PutMediaUpload : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private PutMediaUpload(RawHttpConnection connection)
    {
        Connection = connection;
    }

    public RawHttpConnection Connection { get; }

    public int Status => Connection.Status;

    public static List<KeyValuePair<string, string>> CProducerHeaders(Uri url, string stream) =>
    [
        new("host", url.Authority),
        new("Accept", "*/*"),
        new("connection", "keep-alive"),
        new("content-type", "application/json"),
        new("transfer-encoding", "chunked"),
        new("user-agent", "AWS-SDK-KVS/3.4.2 GCC/11.4.0 Linux/6.5.0 x86_64"),
        new("x-amzn-fragment-acknowledgment-required", "1"),
        new("x-amzn-fragment-timecode-type", "ABSOLUTE"),
        new("x-amzn-producer-start-timestamp", "1700000000.123"),
        new("x-amzn-stream-name", stream),
        new("Expect", "100-continue"),
    ];

    public static async Task<PutMediaUpload> StartAsync(Uri url, string stream, Action<List<KeyValuePair<string, string>>>? adjust = null)
    {
        List<KeyValuePair<string, string>> headers = CProducerHeaders(url, stream);
        adjust?.Invoke(headers);
        return await StartAsync(url, headers);
    }

    public static async Task<PutMediaUpload> StartAsync(Uri url, List<KeyValuePair<string, string>> headers)
    {
        RawHttpConnection connection = await RawHttpConnection.ConnectAsync(url);
        await connection.SendHeadAsync("POST", "/putMedia", headers);
        await connection.ReadResponseHeadAsync(Timeout);
        return new PutMediaUpload(connection);
    }

    public Task SendAsync(params byte[][] parts) => Connection.SendChunkAsync(MkvSample.Concat(parts));

    public Task EndAsync() => Connection.EndBodyAsync();

    /// <summary>Next ACK, or null when the response ended.</summary>
    public async Task<Ack?> NextAckAsync(TimeSpan? timeout = null)
    {
        string? chunk = await Connection.ReadChunkAsync(timeout ?? Timeout);
        return chunk is null ? null : Ack.Parse(chunk);
    }

    public async Task<List<Ack>> AcksUntilEndAsync(TimeSpan? timeout = null)
    {
        var acks = new List<Ack>();
        while (await NextAckAsync(timeout) is { } ack)
        {
            acks.Add(ack);
        }

        return acks;
    }

    /// <summary>Reads ACKs until one matches, returning all read so far (the match last).</summary>
    public async Task<List<Ack>> AcksUntilAsync(Func<Ack, bool> match, TimeSpan? timeout = null)
    {
        var acks = new List<Ack>();
        while (await NextAckAsync(timeout) is { } ack)
        {
            acks.Add(ack);
            if (match(ack))
            {
                return acks;
            }
        }

        throw new AssertionException($"The ACK stream ended before the expected ACK; got: {string.Join(" ", acks)}");
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

/// <summary>One parsed ACK line (kvs-protocol.md §4.2) and its raw text.</summary>
internal sealed record Ack(string EventType, long? Timecode, string? Number, int? ErrorId, string? ErrorCode, string Raw)
{
    public static Ack Parse(string chunk)
    {
        Assert.That(chunk, Does.EndWith("\n"), "each ACK chunk is one JSON object plus a newline");
        using var document = JsonDocument.Parse(chunk);
        JsonElement root = document.RootElement;
        return new Ack(
            root.GetProperty("EventType").GetString()!,
            root.TryGetProperty("FragmentTimecode", out JsonElement tc) ? tc.GetInt64() : null,
            root.TryGetProperty("FragmentNumber", out JsonElement n) ? n.GetString() : null,
            root.TryGetProperty("ErrorId", out JsonElement id) ? id.GetInt32() : null,
            root.TryGetProperty("ErrorCode", out JsonElement code) ? code.GetString() : null,
            chunk);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{EventType}({Timecode}{(ErrorId is null ? "" : "," + ErrorId)})");
}
