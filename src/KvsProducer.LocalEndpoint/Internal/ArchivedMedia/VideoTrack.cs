namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>The video track of a stored session header: what an MP4 sample entry or a TS stream needs.</summary>
internal sealed class VideoTrack
{
    public VideoTrack(ulong number, string codecId, byte[] codecPrivate, int width, int height)
    {
        Number = number;
        CodecId = codecId;
        CodecPrivate = codecPrivate;
        Width = width;
        Height = height;
    }

    public ulong Number { get; }

    /// <summary>Matroska CodecID, e.g. <c>V_MPEG4/ISO/AVC</c>.</summary>
    public string CodecId { get; }

    /// <summary>The AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.2.4.1) PutMedia carried.</summary>
    public byte[] CodecPrivate { get; }

    public int Width { get; }

    public int Height { get; }

    public bool IsH264 => CodecId == "V_MPEG4/ISO/AVC";

    /// <summary>RFC 6381 codec string for HLS/DASH, from avcC profile, compatibility and level bytes.</summary>
    public string Rfc6381Codec => CodecPrivate.Length >= 4
        ? $"avc1.{CodecPrivate[1]:x2}{CodecPrivate[2]:x2}{CodecPrivate[3]:x2}"
        : "avc1.42e01e";

    /// <summary>Bytes in each NAL unit length prefix (avcC lengthSizeMinusOne + 1).</summary>
    public int NalLengthSize => CodecPrivate.Length >= 5 ? (CodecPrivate[4] & 3) + 1 : 4;

    /// <summary>The SPS and PPS NAL units of the avcC record, without prefixes.</summary>
    public List<byte[]> ParameterSets()
    {
        var sets = new List<byte[]>();
        ReadOnlySpan<byte> record = CodecPrivate;
        if (record.Length < 7)
        {
            return sets;
        }

        int offset = 5;
        int spsCount = record[offset++] & 0x1F;
        offset = ReadSets(record, offset, spsCount, sets);
        if (offset < 0 || offset >= record.Length)
        {
            return sets;
        }

        int ppsCount = record[offset++];
        ReadSets(record, offset, ppsCount, sets);
        return sets;
    }

    private static int ReadSets(ReadOnlySpan<byte> record, int offset, int count, List<byte[]> sets)
    {
        for (int i = 0; i < count; i++)
        {
            if (offset + 2 > record.Length)
            {
                return -1;
            }

            int length = (record[offset] << 8) | record[offset + 1];
            offset += 2;
            if (offset + length > record.Length)
            {
                return -1;
            }

            sets.Add(record.Slice(offset, length).ToArray());
            offset += length;
        }

        return offset;
    }
}
