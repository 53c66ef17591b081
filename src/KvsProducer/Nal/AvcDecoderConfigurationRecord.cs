using System.Buffers.Binary;

namespace KvsProducer.Nal;

/// <summary>
/// The AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1), the MKV CodecPrivate of
/// <c>V_MPEG4/ISO/AVC</c> tracks.
/// </summary>
/// <remarks>
/// Layout: <c>01</c> · profile · compatibility · level (SPS bytes 1–3) · <c>FF</c> (4-byte NAL lengths) ·
/// <c>E0|numSps</c> · (u16 length · SPS)* · numPps · (u16 length · PPS)* and, for the High profiles
/// 100/110/122/144, <c>FC|chroma_format</c> · <c>F8|bit_depth_luma−8</c> · <c>F8|bit_depth_chroma−8</c> · <c>00</c>
/// (no SPS extensions).
/// </remarks>
internal static class AvcDecoderConfigurationRecord
{
    /// <summary>lengthSizeMinusOne = 3: frames carry 4-byte big-endian NAL lengths.</summary>
    public const int NalLengthSize = 4;

    private const int MaxSpsCount = 31;
    private const int MaxPpsCount = 255;

    /// <summary>True for the profiles after which ISO/IEC 14496-15 §5.3.3.1.2 adds the chroma/bit-depth fields.</summary>
    /// <remarks>
    /// ffmpeg 5.1 (libavformat/avc.c) writes them for every profile other than 66, 77 and 88 (e.g. also
    /// 244); we follow the standard, whose readers look for them only after these four profiles.
    /// </remarks>
    public static bool HasHighProfileExtension(int profileIdc) => profileIdc is 100 or 110 or 122 or 144;

    /// <summary>Builds the record from SPS and PPS NAL units (no start codes, emulation prevention kept).</summary>
    /// <exception cref="InvalidDataException">A parameter set is missing, too large or does not parse.</exception>
    public static byte[] Build(IReadOnlyList<ReadOnlyMemory<byte>> sps, IReadOnlyList<ReadOnlyMemory<byte>> pps)
    {
        ArgumentNullException.ThrowIfNull(sps);
        ArgumentNullException.ThrowIfNull(pps);
        if (sps.Count is 0 or > MaxSpsCount)
        {
            throw new InvalidDataException($"An AVC configuration record holds 1 to {MaxSpsCount} SPS; {sps.Count} were given.");
        }

        if (pps.Count is 0 or > MaxPpsCount)
        {
            throw new InvalidDataException($"An AVC configuration record holds 1 to {MaxPpsCount} PPS; {pps.Count} were given.");
        }

        var first = H264SequenceParameterSet.Parse(sps[0].Span);
        var extension = HasHighProfileExtension(first.ProfileIdc);
        var size = 6 + 1 + (extension ? 4 : 0);
        size += SizeOfNalUnits(sps, "SPS") + SizeOfNalUnits(pps, "PPS");

        var record = new byte[size];
        var firstSps = sps[0].Span;
        record[0] = 1;
        record[1] = firstSps[1];
        record[2] = firstSps[2];
        record[3] = firstSps[3];
        record[4] = 0xFC | (NalLengthSize - 1);
        record[5] = (byte)(0xE0 | sps.Count);
        var offset = WriteNalUnits(record, 6, sps);
        record[offset++] = (byte)pps.Count;
        offset = WriteNalUnits(record, offset, pps);
        if (extension)
        {
            record[offset++] = (byte)(0xFC | first.ChromaFormatIdc);
            record[offset++] = (byte)(0xF8 | (first.BitDepthLuma - 8));
            record[offset++] = (byte)(0xF8 | (first.BitDepthChroma - 8));
            record[offset] = 0; // numOfSequenceParameterSetExt
        }

        return record;
    }

    /// <summary>
    /// Reads an existing record (e.g. one the application supplies) and returns its SPS and PPS NAL units
    /// (slices of <paramref name="record"/>); false with a reason when it is not a valid record.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> record, out ParameterSets parameterSets, out string error)
    {
        parameterSets = default;
        var bytes = record.Span;
        if (bytes.Length < 7)
        {
            error = $"the AVC configuration record is {bytes.Length} bytes; it needs at least 7";
            return false;
        }

        if (bytes[0] != 1)
        {
            error = $"the AVC configuration record has configurationVersion {bytes[0]}; only 1 exists (is it Annex-B with start codes, or an HEVC record?)";
            return false;
        }

        if ((bytes[4] & 0x03) != NalLengthSize - 1)
        {
            error = $"the AVC configuration record declares {(bytes[4] & 0x03) + 1}-byte NAL lengths; Kinesis Video Streams frames use 4-byte lengths";
            return false;
        }

        var spsCount = bytes[5] & 0x1F;
        var offset = 6;
        var sps = new List<ReadOnlyMemory<byte>>();
        var pps = new List<ReadOnlyMemory<byte>>();
        if (!TryReadNalUnits(VideoCodec.H264, record, ref offset, spsCount, NalUnitTypes.H264Sps, sps, "SPS", out error)
            || !TryReadCount(bytes, ref offset, out var ppsCount, out error)
            || !TryReadNalUnits(VideoCodec.H264, record, ref offset, ppsCount, NalUnitTypes.H264Pps, pps, "PPS", out error))
        {
            return false;
        }

        if (sps.Count == 0 || pps.Count == 0)
        {
            error = $"the AVC configuration record holds {sps.Count} SPS and {pps.Count} PPS; it needs at least one of each";
            return false;
        }

        parameterSets = new ParameterSets([], sps, pps);
        error = string.Empty;
        return true;
    }

    internal static int SizeOfNalUnits(IReadOnlyList<ReadOnlyMemory<byte>> nalUnits, string kind)
    {
        var size = 0;
        foreach (var nalUnit in nalUnits)
        {
            if (nalUnit.Length is 0 or > ushort.MaxValue)
            {
                throw new InvalidDataException($"A {kind} of {nalUnit.Length} bytes cannot go into a configuration record (1 to 65535 bytes).");
            }

            size += 2 + nalUnit.Length;
        }

        return size;
    }

    internal static int WriteNalUnits(byte[] record, int offset, IReadOnlyList<ReadOnlyMemory<byte>> nalUnits)
    {
        foreach (var nalUnit in nalUnits)
        {
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(offset), (ushort)nalUnit.Length);
            nalUnit.Span.CopyTo(record.AsSpan(offset + 2));
            offset += 2 + nalUnit.Length;
        }

        return offset;
    }

    internal static bool TryReadCount(ReadOnlySpan<byte> bytes, ref int offset, out int count, out string error)
    {
        if (offset >= bytes.Length)
        {
            count = 0;
            error = $"the configuration record ends at byte {offset} where a NAL unit count was expected";
            return false;
        }

        count = bytes[offset++];
        error = string.Empty;
        return true;
    }

    internal static bool TryReadNalUnits(
        VideoCodec codec,
        ReadOnlyMemory<byte> record, ref int offset, int count, int expectedType, List<ReadOnlyMemory<byte>> into, string kind, out string error)
    {
        var bytes = record.Span;
        for (var i = 0; i < count; i++)
        {
            if (offset + 2 > bytes.Length)
            {
                error = $"the configuration record ends at byte {offset} inside the length of {kind} {i + 1} of {count}";
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[offset..]);
            offset += 2;
            if (length == 0 || offset + length > bytes.Length)
            {
                error = $"{kind} {i + 1} of {count} in the configuration record claims {length} bytes but {bytes.Length - offset} remain";
                return false;
            }

            var nalUnit = record.Slice(offset, length);
            var type = NalUnitTypes.TypeOf(codec, nalUnit.Span);
            if (type != expectedType)
            {
                error = $"{kind} {i + 1} of {count} in the configuration record is a NAL unit of type {type}, not {expectedType}";
                return false;
            }

            into.Add(nalUnit);
            offset += length;
        }

        error = string.Empty;
        return true;
    }
}
