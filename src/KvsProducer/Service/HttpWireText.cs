using System.Buffers;
using System.Text;

namespace KvsProducer.Service;

/// <summary>Renders wire bytes for error messages: printable ASCII as is, everything else as <c>\xNN</c>, truncated.</summary>
internal static class HttpWireText
{
    public static string Excerpt(ReadOnlySequence<byte> bytes, int maxChars = 80)
    {
        var builder = new StringBuilder();
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span)
            {
                if (builder.Length >= maxChars)
                {
                    return builder.Append('…').ToString();
                }

                if (b is >= 0x20 and < 0x7F)
                {
                    builder.Append((char)b);
                }
                else
                {
                    builder.Append(b switch { (byte)'\r' => "\\r", (byte)'\n' => "\\n", (byte)'\t' => "\\t", _ => $"\\x{b:X2}" });
                }
            }
        }

        return builder.ToString();
    }

    public static string Excerpt(ReadOnlySpan<byte> bytes, int maxChars = 80) =>
        Excerpt(new ReadOnlySequence<byte>(bytes.ToArray()), maxChars);

    private const string Prefix = "Malformed HTTP response: ";

    public static KvsTransportException Malformed(string what, long offset, ReadOnlySequence<byte> near) =>
        new(KvsTransportFailure.MalformedHttp, $"{Prefix}{what} at byte {offset} (near '{Excerpt(near)}'). The endpoint is not speaking HTTP/1.1 as expected: check the endpoint URL and any proxy in between.");

    /// <summary>The same error with the peer named, for the connection that met it.</summary>
    public static KvsTransportException From(KvsTransportException error, string authority) =>
        new(error.Failure, error.Message.StartsWith(Prefix, StringComparison.Ordinal)
            ? $"Malformed HTTP response from {authority}: {error.Message[Prefix.Length..]}"
            : $"{error.Message} (from {authority})", error);
}
