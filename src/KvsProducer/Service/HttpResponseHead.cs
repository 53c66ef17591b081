using System.Globalization;

namespace KvsProducer.Service;

/// <summary>The status line and headers of an HTTP response (HTTP/1.1 or HTTP/2), with the ones KVS uses named.</summary>
internal sealed class HttpResponseHead
{
    public HttpResponseHead(Version version, int statusCode, string reasonPhrase, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Version = version;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Headers = headers;
    }

    public Version Version { get; }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    /// <summary>Headers in wire order; names as the server spelled them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public bool IsInformational => StatusCode is >= 100 and < 200;

    /// <summary>The official C producer logs this id with every failure; so do we.</summary>
    public string? RequestId => GetHeader("x-amzn-RequestId");

    /// <summary>The service's error type (e.g. <c>NotAuthorizedException:...</c>) on non-200 responses.</summary>
    public string? ErrorType => GetHeader("x-amzn-ErrorType");

    /// <summary>The server's clock (RFC 1123), used to correct clock skew when a signature is rejected as expired.</summary>
    public DateTimeOffset? Date =>
        DateTimeOffset.TryParseExact(GetHeader("Date"), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;

    /// <summary>The first value of the header <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? GetHeader(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"HTTP/{Version} {StatusCode} {ReasonPhrase} (request id {RequestId ?? "none"})");
}
