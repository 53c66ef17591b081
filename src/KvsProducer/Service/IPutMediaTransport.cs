namespace KvsProducer.Service;

/// <summary>Starts duplex requests (PutMedia) over HTTP/1.1 or HTTP/2; the uploader holds one and does not care which.</summary>
internal interface IPutMediaTransport : IAsyncDisposable
{
    /// <summary>
    /// Connects (or reuses a connection, HTTP/2) and sends the request head; the body follows through the returned
    /// exchange. <paramref name="headers"/> are sent as given (the signed set, the PutMedia API reference).
    /// </summary>
    ValueTask<IDuplexHttpExchange> StartAsync(Uri endpoint, string method, string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken);
}
