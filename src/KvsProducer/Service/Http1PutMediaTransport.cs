namespace KvsProducer.Service;

/// <summary>PutMedia over HTTP/1.1, what the C producer uses (the official C producer): a new <see cref="Http1Connection"/> per request.</summary>
internal sealed class Http1PutMediaTransport : IPutMediaTransport
{
    private readonly HttpTransportOptions _options;

    public Http1PutMediaTransport(HttpTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public async ValueTask<IDuplexHttpExchange> StartAsync(Uri endpoint, string method, string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var connection = await Http1Connection.ConnectAsync(endpoint, _options, cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.SendRequestHeadAsync(method, pathAndQuery, headers, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
