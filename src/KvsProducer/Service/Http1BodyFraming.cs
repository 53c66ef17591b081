using System.Globalization;

namespace KvsProducer.Service;

/// <summary>How the end of an HTTP/1.1 response body is found (RFC 9112 §6.3).</summary>
internal enum Http1BodyKind
{
    /// <summary>No body (1xx, 204, 304).</summary>
    None,

    /// <summary><c>Transfer-Encoding: chunked</c>: the PutMedia ACK stream (the PutMedia API reference).</summary>
    Chunked,

    /// <summary><c>Content-Length</c>: error bodies of the service.</summary>
    ContentLength,

    /// <summary>Neither: the body ends when the server closes the connection.</summary>
    UntilClose,
}

/// <summary>The framing of a response body and, for <see cref="Http1BodyKind.ContentLength"/>, its length.</summary>
internal readonly record struct Http1BodyFraming(Http1BodyKind Kind, long Length)
{
    /// <summary>RFC 9112 §6.3: chunked wins over Content-Length; differing Content-Length values are an error.</summary>
    public static Http1BodyFraming For(HttpResponseHead head)
    {
        if (head.IsInformational || head.StatusCode is 204 or 304)
        {
            return new(Http1BodyKind.None, 0);
        }

        string? contentLength = null;
        foreach (var (name, value) in head.Headers)
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                var last = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
                if (string.Equals(last, "chunked", StringComparison.OrdinalIgnoreCase))
                {
                    return new(Http1BodyKind.Chunked, 0);
                }

                // A transfer coding other than chunked last means the body runs to the close.
                return new(Http1BodyKind.UntilClose, 0);
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (contentLength is not null && contentLength != value)
                {
                    throw new KvsTransportException(KvsTransportFailure.MalformedHttp, $"Malformed HTTP response: two different Content-Length values '{contentLength}' and '{value}' ({head}).");
                }

                contentLength = value;
            }
        }

        if (contentLength is null)
        {
            return new(Http1BodyKind.UntilClose, 0);
        }

        if (!long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new KvsTransportException(KvsTransportFailure.MalformedHttp, $"Malformed HTTP response: Content-Length '{contentLength}' is not a non-negative integer ({head}).");
        }

        return length == 0 ? new(Http1BodyKind.None, 0) : new(Http1BodyKind.ContentLength, length);
    }
}
