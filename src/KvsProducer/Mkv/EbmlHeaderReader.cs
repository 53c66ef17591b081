namespace KvsProducer.Mkv;

/// <summary>
/// Reads one element header (ID + size vint) from bytes. Pure: returns
/// "need more data" as false, never reads past the span, accepts non-minimal size widths and every
/// width of the unknown-size pattern.
/// </summary>
internal static class EbmlHeaderReader
{
    /// <summary>Outcome of <see cref="TryRead"/>.</summary>
    public enum Status
    {
        Ok,
        NeedMoreData,
        InvalidId,
        InvalidSize,
    }

    public static Status TryRead(ReadOnlySpan<byte> data, out EbmlElementHeader header)
    {
        header = default;
        if (data.IsEmpty)
        {
            return Status.NeedMoreData;
        }

        var idLength = VintLength(data[0]);
        if (idLength is 0 or > 4)
        {
            return Status.InvalidId;
        }

        if (data.Length < idLength + 1)
        {
            return Status.NeedMoreData;
        }

        uint id = 0;
        for (var i = 0; i < idLength; i++)
        {
            id = (id << 8) | data[i];
        }

        var sizeLength = VintLength(data[idLength]);
        if (sizeLength == 0)
        {
            return Status.InvalidSize;
        }

        if (data.Length < idLength + sizeLength)
        {
            return Status.NeedMoreData;
        }

        ulong size = data[idLength] & (ulong)(0xFF >> sizeLength);
        var allOnes = size == (ulong)(0xFF >> sizeLength);
        for (var i = 1; i < sizeLength; i++)
        {
            var b = data[idLength + i];
            size = (size << 8) | b;
            allOnes &= b == 0xFF;
        }

        header = new EbmlElementHeader(id, allOnes ? -1 : checked((long)size), idLength + sizeLength);
        return Status.Ok;
    }

    /// <summary>Length of a vint from its first byte: leading zero bits + 1; 0 when the byte is 0 (invalid).</summary>
    private static int VintLength(byte first) => first == 0 ? 0 : System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 24 + 1;
}
