using System.Buffers.Binary;
using System.Text;

namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>
/// The tests' own tiny EBML writer (independent of the endpoint's parser), enough to build the
/// byte layouts of kvs-protocol.md §6.3, §6.5, §6.6 and §8.3 explicitly.
/// </summary>
internal sealed class EbmlWriter
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => [.. _bytes];

    public int Length => _bytes.Count;

    public EbmlWriter Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public EbmlWriter Id(uint id)
    {
        int length = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        for (int i = length - 1; i >= 0; i--)
        {
            _bytes.Add((byte)(id >> (8 * i)));
        }

        return this;
    }

    /// <summary>An EBML size; width 0 = minimal, else that many bytes (the PIC writes fixed widths).</summary>
    public EbmlWriter Size(long size, int width = 0)
    {
        if (width == 0)
        {
            width = 1;
            while (size >= (1L << (7 * width)) - 1)
            {
                width++;
            }
        }

        ulong value = (ulong)size | (1UL << (7 * width));
        for (int i = width - 1; i >= 0; i--)
        {
            _bytes.Add((byte)(value >> (8 * i)));
        }

        return this;
    }

    public EbmlWriter Element(uint id, byte[] payload, int sizeWidth = 0) => Id(id).Size(payload.Length, sizeWidth).Raw(payload);

    public EbmlWriter Master(uint id, Action<EbmlWriter> children, int sizeWidth = 0)
    {
        var inner = new EbmlWriter();
        children(inner);
        return Element(id, inner.ToArray(), sizeWidth);
    }

    /// <summary>Master of unknown size (0xFF): children follow at the same level of this writer.</summary>
    public EbmlWriter UnknownSize(uint id) => Id(id).Raw(0xFF);

    public EbmlWriter Uint(uint id, ulong value, int width = 0)
    {
        if (width == 0)
        {
            width = 1;
            while (width < 8 && value >> (8 * width) != 0)
            {
                width++;
            }
        }

        byte[] payload = new byte[width];
        for (int i = 0; i < width; i++)
        {
            payload[width - 1 - i] = (byte)(value >> (8 * i));
        }

        return Element(id, payload);
    }

    public EbmlWriter String(uint id, string value, int sizeWidth = 0) => Element(id, Encoding.UTF8.GetBytes(value), sizeWidth);

    /// <summary>kvs-protocol.md §6.5: SimpleBlock with the PIC's 8-byte size, 1-byte track, int16 timecode, flags.</summary>
    public EbmlWriter SimpleBlock(int track, short relativeTimecode, bool keyFrame, byte[] frame)
    {
        byte[] payload = new byte[4 + frame.Length];
        payload[0] = (byte)(0x80 | track);
        BinaryPrimitives.WriteInt16BigEndian(payload.AsSpan(1), relativeTimecode);
        payload[3] = keyFrame ? (byte)0x80 : (byte)0;
        frame.CopyTo(payload, 4);
        return Element(0xA3, payload, sizeWidth: 8);
    }
}
