using System.Text;

namespace KvsProducer.Service;

/// <summary>
/// Writes an HTTP/1.1 request head for a chunked upload (RFC 9112 §3: request-line, field lines, CRLF), checking
/// every name and value so nothing the caller passes can split the head.
/// </summary>
internal static class Http1RequestHeadWriter
{
    // The PutMedia head as the official C producer sends it: request line, the signed and unsigned headers, Expect if asked.
    public static byte[] Write(string method, string pathAndQuery, string authority, IReadOnlyList<KeyValuePair<string, string>> headers, bool expectContinue)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        ArgumentNullException.ThrowIfNull(headers);
        if (!IsToken(method))
        {
            throw new ArgumentException($"HTTP method '{method}' is not a token (letters, digits and !#$%&'*+-.^_`|~).", nameof(method));
        }

        if (pathAndQuery[0] != '/' || pathAndQuery.Any(c => c <= ' ' || c >= 0x7F))
        {
            throw new ArgumentException($"Request target '{pathAndQuery}' must start with '/' and contain only visible ASCII (percent-encode the rest).", nameof(pathAndQuery));
        }

        var builder = new StringBuilder(512);
        builder.Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n");
        bool hasHost = false, hasTransferEncoding = false;
        foreach (var (name, value) in headers)
        {
            if (!IsToken(name))
            {
                throw new ArgumentException($"Header name '{name}' is not a token (letters, digits and !#$%&'*+-.^_`|~).", nameof(headers));
            }

            if (value.Any(c => (c < ' ' && c != '\t') || c >= 0x7F))
            {
                throw new ArgumentException($"The value of header '{name}' contains a control or non-ASCII character: headers must be visible ASCII.", nameof(headers));
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("Http1Connection sends chunked bodies only: remove the Content-Length header.", nameof(headers));
            }

            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                if (!value.Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"Transfer-Encoding '{value}' is not supported: Http1Connection sends 'chunked' bodies only.", nameof(headers));
                }

                hasTransferEncoding = true;
            }

            hasHost |= name.Equals("Host", StringComparison.OrdinalIgnoreCase);
            if (expectContinue && name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("Pass expectContinue instead of an Expect header.", nameof(headers));
            }

            builder.Append(name).Append(": ").Append(value.Trim()).Append("\r\n");
        }

        if (!hasHost)
        {
            builder.Append("Host: ").Append(authority).Append("\r\n");
        }

        if (!hasTransferEncoding)
        {
            builder.Append("Transfer-Encoding: chunked\r\n");
        }

        if (expectContinue)
        {
            builder.Append("Expect: 100-continue\r\n");
        }

        builder.Append("\r\n");
        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    private static bool IsToken(string text) =>
        text.Length > 0 && text.All(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~');
}
