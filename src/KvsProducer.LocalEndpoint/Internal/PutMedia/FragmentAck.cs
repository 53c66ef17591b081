using System.Buffers;
using System.Buffers.Text;
using System.Text;
using KvsProducer.LocalEndpoint.Internal.Mkv;

namespace KvsProducer.LocalEndpoint.Internal.PutMedia;

/// <summary>One ACK event of the PutMedia response.</summary>
internal readonly record struct FragmentAck(AckEventType EventType, long FragmentTimecode, string? FragmentNumber, AckErrorId ErrorId = 0)
{
    public static FragmentAck Idle { get; } = new(AckEventType.Idle, -1, null);

    /// <summary>Largest encoded ACK: each stays well under the C producer's 1024-byte limit.</summary>
    public const int MaxEncodedLength = 512;

    // Compact JSON, keys in the captured order, one '\n' after it.
    // {"EventType":"ERROR","FragmentTimecode":1597065596575,"FragmentNumber":"9134…","ErrorCode":"MAX_FRAGMENT_DURATION_REACHED","ErrorId":4002}
    public int Encode(Span<byte> output)
    {
        int n = 0;
        Append(output, ref n, "{\"EventType\":\""u8);
        Append(output, ref n, EventType switch
        {
            AckEventType.Buffering => "BUFFERING"u8,
            AckEventType.Received => "RECEIVED"u8,
            AckEventType.Persisted => "PERSISTED"u8,
            AckEventType.Error => "ERROR"u8,
            _ => "IDLE"u8,
        });
        Append(output, ref n, "\""u8);
        if (EventType != AckEventType.Idle)
        {
            Append(output, ref n, ",\"FragmentTimecode\":"u8);
            Utf8Formatter.TryFormat(FragmentTimecode, output[n..], out int written);
            n += written;
            Append(output, ref n, ",\"FragmentNumber\":\""u8);
            n += Encoding.ASCII.GetBytes(FragmentNumber ?? string.Empty, output[n..]);
            Append(output, ref n, "\""u8);
        }

        if (EventType == AckEventType.Error)
        {
            Append(output, ref n, ",\"ErrorCode\":\""u8);
            n += Encoding.ASCII.GetBytes(AckErrorCodes.Of(ErrorId), output[n..]);
            Append(output, ref n, "\",\"ErrorId\":"u8);
            Utf8Formatter.TryFormat((int)ErrorId, output[n..], out int written);
            n += written;
        }

        Append(output, ref n, "}\n"u8);
        return n;
    }

    public byte[] ToArray()
    {
        Span<byte> buffer = stackalloc byte[MaxEncodedLength];
        return buffer[..Encode(buffer)].ToArray();
    }

    private static void Append(Span<byte> output, ref int n, ReadOnlySpan<byte> text)
    {
        text.CopyTo(output[n..]);
        n += text.Length;
    }
}
