using System.Buffers.Binary;

namespace KvsProducer.Media.Tests;

/// <summary>Independent checks of how NAL units are delimited in a frame's bytes.</summary>
internal static class NalBytes
{
    public static bool StartsWithStartCode(byte[] data) =>
        (data.Length > 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 1)
        || (data.Length > 3 && data[0] == 0 && data[1] == 0 && data[2] == 1);

    /// <summary>True when 4-byte big-endian lengths chain exactly to the end of the frame.</summary>
    public static bool IsLengthPrefixedChain(byte[] data)
    {
        int offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
            {
                return false;
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
            if (length == 0 || length > data.Length - offset - 4)
            {
                return false;
            }

            offset += 4 + (int)length;
        }

        return offset == data.Length;
    }

    /// <summary>The H.264 NAL unit types of an Annex-B frame, in order.</summary>
    public static List<int> AnnexBTypes(ReadOnlySpan<byte> data)
    {
        var types = new List<int>();
        for (int i = 0; i + 3 < data.Length; i++)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1)
            {
                types.Add(data[i + 3] & 0x1F);
                i += 3;
            }
        }

        return types;
    }
}
