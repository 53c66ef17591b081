using System.Buffers;
using System.Text;

namespace KvsProducer.Service;

/// <summary>
/// Parses an HTTP/1.1 response head (status line, header fields, empty line) from buffered bytes: a pure function
/// that returns "need more data" until the whole head is present. RFC 9112 §4–5, Kestrel-style.
/// </summary>
internal static class Http1ResponseHeadParser
{
    /// <summary>No KVS response head comes near this; bounding it keeps a misbehaving peer from growing our buffer.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>
    /// Tries to parse a complete response head at the start of <paramref name="buffer"/>. Returns false (and consumes
    /// nothing) when more bytes are needed; throws <see cref="KvsTransportException"/> (MalformedHttp) when the bytes
    /// cannot be an HTTP/1.x response head or it exceeds <see cref="MaxHeadBytes"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySequence<byte> buffer, out HttpResponseHead? head, out SequencePosition end)
    {
        head = null;
        end = buffer.Start;
        var reader = new SequenceReader<byte>(buffer);
        Version? version = null;
        var status = 0;
        var reason = string.Empty;
        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var lineStart = reader.Consumed;
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                if (buffer.Length > MaxHeadBytes)
                {
                    throw HttpWireText.Malformed($"response head longer than {MaxHeadBytes} bytes", MaxHeadBytes, buffer.Slice(0, 40));
                }

                return false;
            }

            if (reader.Consumed > MaxHeadBytes)
            {
                throw HttpWireText.Malformed($"response head longer than {MaxHeadBytes} bytes", MaxHeadBytes, buffer.Slice(0, 40));
            }

            // RFC 9112 §2.2: a recipient may accept a bare LF as a line terminator; we do, and drop the CR of CRLF.
            if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
            {
                line = line.Slice(0, line.Length - 1);
            }

            var span = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
            if (version is null)
            {
                (version, status, reason) = ParseStatusLine(span, lineStart, line);
                continue;
            }

            if (span.IsEmpty)
            {
                head = new HttpResponseHead(version, status, reason, headers);
                end = reader.Position;
                return true;
            }

            headers.Add(ParseHeaderField(span, lineStart, line));
        }
    }

    // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
    private static (Version Version, int Status, string Reason) ParseStatusLine(ReadOnlySpan<byte> line, long offset, ReadOnlySequence<byte> raw)
    {
        Version version;
        if (line.StartsWith("HTTP/1.1 "u8))
        {
            version = System.Net.HttpVersion.Version11;
        }
        else if (line.StartsWith("HTTP/1.0 "u8))
        {
            version = System.Net.HttpVersion.Version10;
        }
        else
        {
            throw HttpWireText.Malformed("status line does not start with 'HTTP/1.1 ' or 'HTTP/1.0 '", offset, raw);
        }

        var rest = line[9..];
        if (rest.Length < 3 || !IsDigit(rest[0]) || !IsDigit(rest[1]) || !IsDigit(rest[2]) || rest[0] == (byte)'0')
        {
            throw HttpWireText.Malformed("status code is not three digits (100-999)", offset + 9, raw);
        }

        var status = ((rest[0] - '0') * 100) + ((rest[1] - '0') * 10) + (rest[2] - '0');
        rest = rest[3..];
        if (rest.IsEmpty)
        {
            return (version, status, string.Empty);
        }

        if (rest[0] != (byte)' ')
        {
            throw HttpWireText.Malformed("status code is not followed by a space", offset + 12, raw);
        }

        rest = rest[1..];
        var bad = IndexOfControl(rest, allowTab: true);
        if (bad >= 0)
        {
            throw HttpWireText.Malformed($"control byte 0x{rest[bad]:X2} in the reason phrase", offset + 13 + bad, raw);
        }

        return (version, status, Encoding.Latin1.GetString(rest));
    }

    // RFC 9112 §5: field-line = field-name ":" OWS field-value OWS
    private static KeyValuePair<string, string> ParseHeaderField(ReadOnlySpan<byte> line, long offset, ReadOnlySequence<byte> raw)
    {
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            throw HttpWireText.Malformed("obsolete header line folding (a line starting with whitespace)", offset, raw);
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            throw HttpWireText.Malformed(colon == 0 ? "header field with an empty name" : "header line without ':'", offset, raw);
        }

        var name = line[..colon];
        for (var i = 0; i < name.Length; i++)
        {
            if (!IsTokenChar(name[i]))
            {
                throw HttpWireText.Malformed($"byte 0x{name[i]:X2} is not allowed in a header name", offset + i, raw);
            }
        }

        var value = line[(colon + 1)..].Trim(" \t"u8);
        var bad = IndexOfControl(value, allowTab: true);
        if (bad >= 0)
        {
            throw HttpWireText.Malformed($"control byte 0x{value[bad]:X2} in the value of header '{Encoding.ASCII.GetString(name)}'", offset + colon + 1, raw);
        }

        return new(Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value));
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    // RFC 9110 §5.6.2: tchar
    private static bool IsTokenChar(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
            or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';

    private static int IndexOfControl(ReadOnlySpan<byte> span, bool allowTab)
    {
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if ((b < 0x20 && !(allowTab && b == (byte)'\t')) || b == 0x7F)
            {
                return i;
            }
        }

        return -1;
    }
}
