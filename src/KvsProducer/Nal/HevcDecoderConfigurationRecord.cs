using System.Buffers.Binary;

namespace KvsProducer.Nal;

/// <summary>
/// The HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1), the MKV CodecPrivate of
/// <c>V_MPEGH/ISO/HEVC</c> tracks.
/// </summary>
/// <remarks>
/// A 23-byte header filled from the first SPS's profile_tier_level and format fields, then one array
/// per NAL unit type (VPS, SPS, PPS): type byte, u16 count, (u16 length · NAL unit)*.
/// array_completeness is 0, as both the KVS PIC and ffmpeg's Matroska muxer
/// (ffmpeg 5.1 <c>ff_isom_write_hvcc(..., ps_array_completeness = 0)</c>) write it.
/// </remarks>
internal static class HevcDecoderConfigurationRecord
{
    /// <summary>The size of the fixed part before the arrays.</summary>
    public const int HeaderSize = 23;

    /// <summary>Builds the record from VPS, SPS and PPS NAL units (no start codes, emulation prevention kept).</summary>
    /// <exception cref="InvalidDataException">A parameter set is missing, too large or does not parse.</exception>
    public static byte[] Build(
        IReadOnlyList<ReadOnlyMemory<byte>> vps, IReadOnlyList<ReadOnlyMemory<byte>> sps, IReadOnlyList<ReadOnlyMemory<byte>> pps)
    {
        ArgumentNullException.ThrowIfNull(vps);
        ArgumentNullException.ThrowIfNull(sps);
        ArgumentNullException.ThrowIfNull(pps);
        if (vps.Count == 0 || sps.Count == 0 || pps.Count == 0)
        {
            throw new InvalidDataException($"An HEVC configuration record needs at least one VPS, SPS and PPS; {vps.Count}, {sps.Count} and {pps.Count} were given.");
        }

        var parsed = H265SequenceParameterSet.Parse(sps[0].Span);
        var size = HeaderSize + (3 * 3)
            + AvcDecoderConfigurationRecord.SizeOfNalUnits(vps, "VPS")
            + AvcDecoderConfigurationRecord.SizeOfNalUnits(sps, "SPS")
            + AvcDecoderConfigurationRecord.SizeOfNalUnits(pps, "PPS");
        var record = new byte[size];
        var span = record.AsSpan();
        span[0] = 1;
        span[1] = (byte)((parsed.GeneralProfileSpace << 6) | (parsed.GeneralTierFlag ? 0x20 : 0) | parsed.GeneralProfileIdc);
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], parsed.GeneralProfileCompatibilityFlags);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)(parsed.GeneralConstraintIndicatorFlags >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], (uint)parsed.GeneralConstraintIndicatorFlags);
        span[12] = (byte)parsed.GeneralLevelIdc;
        // ISO/IEC 14496-15 §8.3.3.1.2: parallelismType says which parallelism meets the VUI's
        // min_spatial_segmentation_idc; like ffmpeg (libavformat/hevc.c) it is 0 when that idc is 0,
        // else taken from the first PPS: mixed 0, wavefront 3, tiles 2, slices 1.
        var minSpatialSegmentation = parsed.MinSpatialSegmentationIdc;
        var parallelismType = 0;
        if (minSpatialSegmentation != 0)
        {
            var firstPps = H265PictureParameterSet.Parse(pps[0].Span);
            parallelismType = (firstPps.EntropyCodingSyncEnabled, firstPps.TilesEnabled) switch
            {
                (true, true) => 0,
                (true, false) => 3,
                (false, true) => 2,
                _ => 1,
            };
        }

        BinaryPrimitives.WriteUInt16BigEndian(span[13..], (ushort)(0xF000 | minSpatialSegmentation));
        span[15] = (byte)(0xFC | parallelismType);
        span[16] = (byte)(0xFC | parsed.ChromaFormatIdc);
        span[17] = (byte)(0xF8 | (parsed.BitDepthLuma - 8));
        span[18] = (byte)(0xF8 | (parsed.BitDepthChroma - 8));
        // avgFrameRate 0 (unspecified) and constantFrameRate 0, as ffmpeg writes them.
        span[19] = 0;
        span[20] = 0;
        span[21] = (byte)((parsed.MaxSubLayers << 3) | (parsed.TemporalIdNesting ? 0x04 : 0) | (AvcDecoderConfigurationRecord.NalLengthSize - 1));
        span[22] = 3;
        var offset = WriteArray(record, HeaderSize, NalUnitTypes.H265Vps, vps);
        offset = WriteArray(record, offset, NalUnitTypes.H265Sps, sps);
        WriteArray(record, offset, NalUnitTypes.H265Pps, pps);
        return record;
    }

    /// <summary>
    /// Reads an existing record (e.g. one the application supplies) and returns its VPS, SPS and PPS NAL
    /// units (slices of <paramref name="record"/>; other arrays such as SEI are skipped); false with a
    /// reason when it is not a valid record.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> record, out ParameterSets parameterSets, out string error)
    {
        parameterSets = default;
        var bytes = record.Span;
        if (bytes.Length < HeaderSize)
        {
            error = $"the HEVC configuration record is {bytes.Length} bytes; its header alone is {HeaderSize}";
            return false;
        }

        if (bytes[0] != 1)
        {
            error = $"the HEVC configuration record has configurationVersion {bytes[0]}; only 1 exists (is it Annex-B with start codes, or an AVC record?)";
            return false;
        }

        if ((bytes[21] & 0x03) != AvcDecoderConfigurationRecord.NalLengthSize - 1)
        {
            error = $"the HEVC configuration record declares {(bytes[21] & 0x03) + 1}-byte NAL lengths; Kinesis Video Streams frames use 4-byte lengths";
            return false;
        }

        var vps = new List<ReadOnlyMemory<byte>>();
        var sps = new List<ReadOnlyMemory<byte>>();
        var pps = new List<ReadOnlyMemory<byte>>();
        var others = new List<ReadOnlyMemory<byte>>();
        var arrayCount = bytes[22];
        var offset = HeaderSize;
        for (var i = 0; i < arrayCount; i++)
        {
            if (offset + 3 > bytes.Length)
            {
                error = $"the HEVC configuration record ends at byte {offset} inside the header of array {i + 1} of {arrayCount}";
                return false;
            }

            var type = bytes[offset] & 0x3F;
            int count = BinaryPrimitives.ReadUInt16BigEndian(bytes[(offset + 1)..]);
            offset += 3;
            var (into, kind) = type switch
            {
                NalUnitTypes.H265Vps => (vps, "VPS"),
                NalUnitTypes.H265Sps => (sps, "SPS"),
                NalUnitTypes.H265Pps => (pps, "PPS"),
                _ => (others, "NAL unit"),
            };
            if (!AvcDecoderConfigurationRecord.TryReadNalUnits(VideoCodec.H265, record, ref offset, count, type, into, kind, out error))
            {
                return false;
            }
        }

        if (vps.Count == 0 || sps.Count == 0 || pps.Count == 0)
        {
            error = $"the HEVC configuration record holds {vps.Count} VPS, {sps.Count} SPS and {pps.Count} PPS; it needs at least one of each";
            return false;
        }

        parameterSets = new ParameterSets(vps, sps, pps);
        error = string.Empty;
        return true;
    }

    private static int WriteArray(byte[] record, int offset, int nalUnitType, IReadOnlyList<ReadOnlyMemory<byte>> nalUnits)
    {
        record[offset] = (byte)nalUnitType; // array_completeness 0, reserved 0
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(offset + 1), (ushort)nalUnits.Count);
        return AvcDecoderConfigurationRecord.WriteNalUnits(record, offset + 3, nalUnits);
    }
}
