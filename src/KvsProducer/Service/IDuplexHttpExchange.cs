using System.Buffers;

namespace KvsProducer.Service;

/// <summary>
/// One HTTP request whose body is still being written while its response is read (PutMedia: MKV up, ACKs down,
/// the PutMedia API reference). One task writes, one task reads; the two sides never block each other.
/// </summary>
internal interface IDuplexHttpExchange : IAsyncDisposable
{
    /// <summary>Sends <paramref name="data"/> as request body bytes (no copy of large payloads). Empty data sends nothing.</summary>
    ValueTask WriteBodyAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Sends every segment of <paramref name="data"/> as request body bytes.</summary>
    ValueTask WriteBodyAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken);

    /// <summary>Ends the request body (HTTP/1.1: the zero-length chunk; HTTP/2: END_STREAM).</summary>
    ValueTask CompleteBodyAsync(CancellationToken cancellationToken);

    /// <summary>Waits for the final (non-1xx) response head.</summary>
    ValueTask<HttpResponseHead> ReadResponseHeadAsync(CancellationToken cancellationToken);

    /// <summary>Reads the next piece of the response body; valid until the next call.</summary>
    ValueTask<HttpBodyRead> ReadBodyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Gives the exchange up at once: the connection is reset (TCP RST, no TLS close_notify), so bytes still queued
    /// for it never reach the peer after a new session re-sent them (issue 11: a graceful close let an abandoned
    /// connection's queued fragments arrive late, as duplicates). Pending reads and writes fail. Dispose still follows.
    /// </summary>
    void Abort();

    /// <summary>
    /// Request bytes written to the connection that the peer's TCP has not acknowledged yet (see
    /// <see cref="SocketSendQueue"/>); null when the transport cannot tell.
    /// </summary>
    long? UnacknowledgedSendBytes => null;

    /// <summary>
    /// From now on the transport's own stall detection leaves this exchange alone: the caller watches it and
    /// ends it itself (the uploader's stale-connection grace waits for a stopped endpoint's answers longer than
    /// the transport's stall timeout). A transport without stall detection does nothing.
    /// </summary>
    void IgnoreStalls()
    {
    }
}
