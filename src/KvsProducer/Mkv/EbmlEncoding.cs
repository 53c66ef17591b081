using System.Buffers;
using System.Buffers.Binary;

namespace KvsProducer.Mkv;

/// <summary>
/// EBML primitives written straight into spans: element IDs, variable-length
/// sizes, and the small elements of the stream header. No allocation.
/// </summary>
internal static class EbmlEncoding
{
    /// <summary>The one-byte "unknown size" marker the PIC writes for Segment and Cluster.</summary>
    public const byte UnknownSize = 0xFF;

    /// <summary>The largest value a size of <paramref name="width"/> bytes can hold (all-ones is reserved for unknown).</summary>
    public static ulong MaxSizeFor(int width) => (1UL << (7 * width)) - 2;

    /// <summary>Bytes an element ID takes (IDs keep their marker bits, so the value says it).</summary>
    public static int IdLength(uint id) => id switch
    {
        <= 0xFF => 1,
        <= 0xFFFF => 2,
        <= 0xFFFFFF => 3,
        _ => 4,
    };

    /// <summary>The shortest size width that holds <paramref name="size"/>.</summary>
    public static int SizeLength(ulong size)
    {
        var width = 1;
        while (size > MaxSizeFor(width))
        {
            width++;
        }

        return width;
    }

    /// <summary>Bytes an unsigned integer payload takes (at least one).</summary>
    public static int UnsignedLength(ulong value)
    {
        var length = 1;
        while (length < 8 && value >> (8 * length) != 0)
        {
            length++;
        }

        return length;
    }

    public static int WriteId(Span<byte> destination, uint id)
    {
        var length = IdLength(id);
        for (var i = 0; i < length; i++)
        {
            destination[i] = (byte)(id >> (8 * (length - 1 - i)));
        }

        return length;
    }

    /// <summary>Writes <paramref name="size"/> as a vint of exactly <paramref name="width"/> bytes.</summary>
    public static int WriteSize(Span<byte> destination, ulong size, int width)
    {
        if (size > MaxSizeFor(width))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"An EBML size of {width} bytes holds at most {MaxSizeFor(width)}.");
        }

        var marked = size | (1UL << (7 * width));
        for (var i = 0; i < width; i++)
        {
            destination[i] = (byte)(marked >> (8 * (width - 1 - i)));
        }

        return width;
    }

    public static int WriteElementHeader(Span<byte> destination, uint id, ulong size, int sizeWidth)
    {
        var written = WriteId(destination, id);
        return written + WriteSize(destination[written..], size, sizeWidth);
    }

    /// <summary>An unsigned-integer element in its shortest form.</summary>
    public static void WriteUnsigned(IBufferWriter<byte> output, uint id, ulong value)
    {
        var payload = UnsignedLength(value);
        WriteUnsigned(output, id, value, payload);
    }

    /// <summary>An unsigned-integer element with a fixed payload width (the PIC writes 8-byte timecodes).</summary>
    public static void WriteUnsigned(IBufferWriter<byte> output, uint id, ulong value, int payloadLength)
    {
        var span = output.GetSpan(4 + 1 + 8);
        var written = WriteElementHeader(span, id, (ulong)payloadLength, 1);
        for (var i = 0; i < payloadLength; i++)
        {
            span[written + i] = (byte)(value >> (8 * (payloadLength - 1 - i)));
        }

        output.Advance(written + payloadLength);
    }

    public static void WriteBinary(IBufferWriter<byte> output, uint id, ReadOnlySpan<byte> value)
    {
        var header = output.GetSpan(4 + 8);
        var written = WriteElementHeader(header, id, (ulong)value.Length, SizeLength((ulong)value.Length));
        output.Advance(written);
        output.Write(value);
    }

    public static void WriteUtf8(IBufferWriter<byte> output, uint id, string value)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        var header = output.GetSpan(4 + 8);
        var written = WriteElementHeader(header, id, (ulong)length, SizeLength((ulong)length));
        output.Advance(written);
        var body = output.GetSpan(length);
        System.Text.Encoding.UTF8.GetBytes(value, body);
        output.Advance(length);
    }

    /// <summary>A master element whose children were already written to <paramref name="children"/>.</summary>
    public static void WriteMaster(IBufferWriter<byte> output, uint id, ReadOnlySpan<byte> children, int sizeWidth = 0)
    {
        var width = sizeWidth == 0 ? SizeLength((ulong)children.Length) : sizeWidth;
        var header = output.GetSpan(4 + 8);
        output.Advance(WriteElementHeader(header, id, (ulong)children.Length, width));
        output.Write(children);
    }

    public static void WriteInt16BigEndian(Span<byte> destination, short value) =>
        BinaryPrimitives.WriteInt16BigEndian(destination, value);
}
