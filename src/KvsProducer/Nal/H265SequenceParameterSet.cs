using System.Globalization;

namespace KvsProducer.Nal;

/// <summary>
/// The fields of an H.265 sequence parameter set (ITU-T H.265 §7.3.2.2.1) that packaging and
/// timestamp recovery need: the general profile_tier_level for the HEVCDecoderConfigurationRecord,
/// chroma format and bit depths, the picture size after the conformance window, and the
/// picture-order-count and reorder fields.
/// </summary>
/// <remarks>Parsing stops after the sub-layer ordering info: nothing after it is needed.</remarks>
internal sealed record H265SequenceParameterSet
{
    /// <summary>sps_video_parameter_set_id.</summary>
    public int VideoParameterSetId { get; init; }

    /// <summary>sps_max_sub_layers_minus1 + 1 (1 to 7).</summary>
    public int MaxSubLayers { get; init; }

    /// <summary>sps_temporal_id_nesting_flag.</summary>
    public bool TemporalIdNesting { get; init; }

    /// <summary>general_profile_space (0 in every current profile).</summary>
    public int GeneralProfileSpace { get; init; }

    /// <summary>general_tier_flag: false Main tier, true High tier.</summary>
    public bool GeneralTierFlag { get; init; }

    /// <summary>general_profile_idc (1 Main, 2 Main 10, 3 Main Still Picture, 4 range extensions...).</summary>
    public int GeneralProfileIdc { get; init; }

    /// <summary>general_profile_compatibility_flag[0..31], flag 0 in the most significant bit.</summary>
    public uint GeneralProfileCompatibilityFlags { get; init; }

    /// <summary>The 48 bits after the compatibility flags (progressive_source_flag first), right-aligned.</summary>
    public ulong GeneralConstraintIndicatorFlags { get; init; }

    /// <summary>general_level_idc: thirty times the level (93 = level 3.1).</summary>
    public int GeneralLevelIdc { get; init; }

    /// <summary>sps_seq_parameter_set_id (0 to 15).</summary>
    public int SeqParameterSetId { get; init; }

    /// <summary>chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.</summary>
    public int ChromaFormatIdc { get; init; }

    /// <summary>separate_colour_plane_flag.</summary>
    public bool SeparateColourPlane { get; init; }

    /// <summary>Displayed width in pixels, after the conformance window.</summary>
    public int Width { get; init; }

    /// <summary>Displayed height in pixels, after the conformance window.</summary>
    public int Height { get; init; }

    /// <summary>Luma bit depth (8 to 16).</summary>
    public int BitDepthLuma { get; init; }

    /// <summary>Chroma bit depth (8 to 16).</summary>
    public int BitDepthChroma { get; init; }

    /// <summary>log2_max_pic_order_cnt_lsb_minus4 + 4: the bit length of slice_pic_order_cnt_lsb.</summary>
    public int Log2MaxPicOrderCntLsb { get; init; }

    /// <summary>sps_max_num_reorder_pics of the highest sub-layer.</summary>
    public int MaxNumReorderPics { get; init; }

    /// <summary>The profile's name as H.265 Annex A calls it.</summary>
    public string ProfileName => GeneralProfileIdc switch
    {
        1 => "Main",
        2 => "Main 10",
        3 => "Main Still Picture",
        4 => "Range Extensions",
        5 => "High Throughput",
        9 => "Screen Content Coding",
        _ => string.Create(CultureInfo.InvariantCulture, $"profile {GeneralProfileIdc}"),
    };

    /// <summary>The level as written in Annex A ("4", "4.1"), with the tier: "Main@4.1" style is built by callers.</summary>
    public string LevelName => GeneralLevelIdc % 30 == 0
        ? (GeneralLevelIdc / 30).ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{GeneralLevelIdc / 30}.{GeneralLevelIdc % 30 / 3}");

    /// <summary>Parses an SPS NAL unit (two-byte header included, no start code).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid SPS; the message names the field.</exception>
    public static H265SequenceParameterSet Parse(ReadOnlySpan<byte> nalUnit)
    {
        var reader = new RbspBitReader(nalUnit, "SPS");
        reader.Skip(1, "forbidden_zero_bit");
        var nalUnitType = (int)reader.ReadBits(6, "nal_unit_type");
        if (nalUnitType != NalUnitTypes.H265Sps)
        {
            throw new InvalidDataException($"NAL unit type {nalUnitType} is not an H.265 SPS (type 33).");
        }

        reader.Skip(9, "nuh_layer_id/nuh_temporal_id_plus1");
        var vpsId = (int)reader.ReadBits(4, "sps_video_parameter_set_id");
        var maxSubLayersMinus1 = (int)reader.ReadBits(3, "sps_max_sub_layers_minus1");
        if (maxSubLayersMinus1 == 7)
        {
            throw new InvalidDataException("SPS has sps_max_sub_layers_minus1 = 7, above the maximum 6: the SPS is corrupt.");
        }

        var temporalIdNesting = reader.ReadFlag("sps_temporal_id_nesting_flag");

        // H.265 §7.3.3: profile_tier_level(1, sps_max_sub_layers_minus1).
        var profileSpace = (int)reader.ReadBits(2, "general_profile_space");
        var tier = reader.ReadFlag("general_tier_flag");
        var profileIdc = (int)reader.ReadBits(5, "general_profile_idc");
        var compatibility = reader.ReadBits(32, "general_profile_compatibility_flag");
        var constraints = ((ulong)reader.ReadBits(16, "general_constraint_flags") << 32) | reader.ReadBits(32, "general_constraint_flags");
        var levelIdc = (int)reader.ReadBits(8, "general_level_idc");
        Span<bool> subLayerProfilePresent = stackalloc bool[8];
        Span<bool> subLayerLevelPresent = stackalloc bool[8];
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            subLayerProfilePresent[i] = reader.ReadFlag("sub_layer_profile_present_flag");
            subLayerLevelPresent[i] = reader.ReadFlag("sub_layer_level_present_flag");
        }

        if (maxSubLayersMinus1 > 0)
        {
            reader.Skip(2 * (8 - maxSubLayersMinus1), "reserved_zero_2bits");
        }

        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            if (subLayerProfilePresent[i])
            {
                reader.Skip(88, "sub_layer profile fields");
            }

            if (subLayerLevelPresent[i])
            {
                reader.Skip(8, "sub_layer_level_idc");
            }
        }

        var spsId = reader.ReadUe("sps_seq_parameter_set_id", 15);
        var chromaFormatIdc = reader.ReadUe("chroma_format_idc", 3);
        var separateColourPlane = chromaFormatIdc == 3 && reader.ReadFlag("separate_colour_plane_flag");
        // Level 6.2 allows 35 651 584 luma samples; 65535 bounds each side far above that.
        var codedWidth = reader.ReadUe("pic_width_in_luma_samples", 65535);
        var codedHeight = reader.ReadUe("pic_height_in_luma_samples", 65535);
        uint left = 0, right = 0, top = 0, bottom = 0;
        if (reader.ReadFlag("conformance_window_flag"))
        {
            left = reader.ReadUe("conf_win_left_offset");
            right = reader.ReadUe("conf_win_right_offset");
            top = reader.ReadUe("conf_win_top_offset");
            bottom = reader.ReadUe("conf_win_bottom_offset");
        }

        // H.265 §7.4.3.2.1 (Table 6-1): offsets count chroma samples; SubWidthC/SubHeightC are 1 for 4:4:4 and monochrome.
        var chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
        var subWidthC = chromaArrayType is 1 or 2 ? 2 : 1;
        var subHeightC = chromaArrayType == 1 ? 2 : 1;
        var width = codedWidth - (subWidthC * ((long)left + right));
        var height = codedHeight - (subHeightC * ((long)top + bottom));
        if (width <= 0 || height <= 0)
        {
            throw new InvalidDataException(
                $"SPS conformance window (left {left}, right {right}, top {top}, bottom {bottom}) leaves nothing of the {codedWidth}x{codedHeight} coded picture: the SPS is corrupt.");
        }

        var bitDepthLuma = 8 + reader.ReadUe("bit_depth_luma_minus8", 8);
        var bitDepthChroma = 8 + reader.ReadUe("bit_depth_chroma_minus8", 8);
        var log2MaxPocLsb = 4 + reader.ReadUe("log2_max_pic_order_cnt_lsb_minus4", 12);
        var orderingInfoForAll = reader.ReadFlag("sps_sub_layer_ordering_info_present_flag");
        var maxNumReorderPics = 0;
        for (var i = orderingInfoForAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++)
        {
            reader.ReadUe("sps_max_dec_pic_buffering_minus1", 15);
            maxNumReorderPics = reader.ReadUe("sps_max_num_reorder_pics", 15);
            reader.ReadUe("sps_max_latency_increase_plus1");
        }

        return new H265SequenceParameterSet
        {
            VideoParameterSetId = vpsId,
            MaxSubLayers = maxSubLayersMinus1 + 1,
            TemporalIdNesting = temporalIdNesting,
            GeneralProfileSpace = profileSpace,
            GeneralTierFlag = tier,
            GeneralProfileIdc = profileIdc,
            GeneralProfileCompatibilityFlags = compatibility,
            GeneralConstraintIndicatorFlags = constraints,
            GeneralLevelIdc = levelIdc,
            SeqParameterSetId = spsId,
            ChromaFormatIdc = chromaFormatIdc,
            SeparateColourPlane = separateColourPlane,
            Width = (int)width,
            Height = (int)height,
            BitDepthLuma = bitDepthLuma,
            BitDepthChroma = bitDepthChroma,
            Log2MaxPicOrderCntLsb = log2MaxPocLsb,
            MaxNumReorderPics = maxNumReorderPics,
        };
    }
}
