using System.Globalization;

namespace KvsProducer.Nal;

/// <summary>
/// The fields of an H.265 sequence parameter set (ITU-T H.265 §7.3.2.2.1) that packaging and
/// timestamp recovery need: the general profile_tier_level for the HEVCDecoderConfigurationRecord,
/// chroma format and bit depths, the picture size after the conformance window, and the
/// picture-order-count and reorder fields.
/// </summary>
/// <remarks>
/// The fields up to the sub-layer ordering info must parse; the rest (coding tools, reference picture
/// sets, VUI) is read for the frame rate and min_spatial_segmentation_idc only, and an error there
/// leaves those unknown.
/// </remarks>
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

    /// <summary>VUI vui_num_units_in_tick when timing info is present; 0 otherwise.</summary>
    public uint NumUnitsInTick { get; init; }

    /// <summary>VUI vui_time_scale when timing info is present; 0 otherwise.</summary>
    public uint TimeScale { get; init; }

    /// <summary>Frames per second from the VUI timing (H.265 §E.3.1: one tick per picture), or null.</summary>
    public double? FrameRate => NumUnitsInTick != 0 && TimeScale != 0 ? (double)TimeScale / NumUnitsInTick : null;

    /// <summary>VUI min_spatial_segmentation_idc (0 when absent): goes into the HEVC configuration record.</summary>
    public int MinSpatialSegmentationIdc { get; init; }

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

        var tail = ReadTail(ref reader, log2MaxPocLsb, maxSubLayersMinus1);
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
            NumUnitsInTick = tail.NumUnitsInTick,
            TimeScale = tail.TimeScale,
            MinSpatialSegmentationIdc = tail.MinSpatialSegmentationIdc,
        };
    }

    // The rest of the SPS is read only for the VUI (frame rate, min_spatial_segmentation_idc), which
    // packaging can do without: an error there leaves those unknown instead of refusing a stream whose
    // essential fields parsed.
    private static (uint NumUnitsInTick, uint TimeScale, int MinSpatialSegmentationIdc) ReadTail(ref RbspBitReader reader, int log2MaxPocLsb, int maxSubLayersMinus1)
    {
        try
        {
            SkipCodingTools(ref reader, log2MaxPocLsb);
            return reader.ReadFlag("vui_parameters_present_flag") ? ReadVui(ref reader, maxSubLayersMinus1) : default;
        }
        catch (InvalidDataException)
        {
            return default;
        }
    }

    // H.265 §7.3.2.2.1 from log2_min_luma_coding_block_size_minus3 to strong_intra_smoothing_enabled_flag.
    private static void SkipCodingTools(ref RbspBitReader reader, int log2MaxPocLsb)
    {
        reader.ReadUe("log2_min_luma_coding_block_size_minus3");
        reader.ReadUe("log2_diff_max_min_luma_coding_block_size");
        reader.ReadUe("log2_min_luma_transform_block_size_minus2");
        reader.ReadUe("log2_diff_max_min_luma_transform_block_size");
        reader.ReadUe("max_transform_hierarchy_depth_inter");
        reader.ReadUe("max_transform_hierarchy_depth_intra");
        if (reader.ReadFlag("scaling_list_enabled_flag") && reader.ReadFlag("sps_scaling_list_data_present_flag"))
        {
            SkipScalingListData(ref reader);
        }

        reader.Skip(2, "amp_enabled_flag/sample_adaptive_offset_enabled_flag");
        if (reader.ReadFlag("pcm_enabled_flag"))
        {
            reader.Skip(8, "pcm_sample_bit_depth");
            reader.ReadUe("log2_min_pcm_luma_coding_block_size_minus3");
            reader.ReadUe("log2_diff_max_min_pcm_luma_coding_block_size");
            reader.Skip(1, "pcm_loop_filter_disabled_flag");
        }

        var setCount = reader.ReadUe("num_short_term_ref_pic_sets", 64);
        Span<byte> negativeCounts = stackalloc byte[64];
        Span<byte> positiveCounts = stackalloc byte[64];
        Span<int> deltaPocs = stackalloc int[64 * 32];
        for (var i = 0; i < setCount; i++)
        {
            SkipShortTermRefPicSet(ref reader, i, negativeCounts, positiveCounts, deltaPocs);
        }

        if (reader.ReadFlag("long_term_ref_pics_present_flag"))
        {
            var longTermCount = reader.ReadUe("num_long_term_ref_pics_sps", 32);
            for (var i = 0; i < longTermCount; i++)
            {
                reader.Skip(log2MaxPocLsb + 1, "lt_ref_pic_poc_lsb_sps/used_by_curr_pic_lt_sps_flag");
            }
        }

        reader.Skip(2, "sps_temporal_mvp_enabled_flag/strong_intra_smoothing_enabled_flag");
    }

    // H.265 §7.3.4 scaling_list_data().
    private static void SkipScalingListData(ref RbspBitReader reader)
    {
        for (var sizeId = 0; sizeId < 4; sizeId++)
        {
            for (var matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1)
            {
                if (!reader.ReadFlag("scaling_list_pred_mode_flag"))
                {
                    reader.ReadUe("scaling_list_pred_matrix_id_delta");
                    continue;
                }

                var coefficients = Math.Min(64, 1 << (4 + (sizeId << 1)));
                if (sizeId > 1)
                {
                    reader.ReadSe("scaling_list_dc_coef_minus8");
                }

                for (var i = 0; i < coefficients; i++)
                {
                    reader.ReadSe("scaling_list_delta_coef");
                }
            }
        }
    }

    // H.265 §7.3.7 st_ref_pic_set(idx) as coded in the SPS, with the derivation of §7.4.8 (equations
    // 7-61, 7-62) because a predicted set's length depends on the set it predicts from. deltaPocs holds
    // 32 entries per set: negatives first (S0 order), then positives (S1 order).
    private static void SkipShortTermRefPicSet(ref RbspBitReader reader, int idx, scoped Span<byte> negativeCounts, scoped Span<byte> positiveCounts, scoped Span<int> deltaPocs)
    {
        var own = deltaPocs.Slice(idx * 32, 32);
        if (idx != 0 && reader.ReadFlag("inter_ref_pic_set_prediction_flag"))
        {
            var sign = reader.ReadFlag("delta_rps_sign");
            var deltaRps = (1 + reader.ReadUe("abs_delta_rps_minus1", 32767)) * (sign ? -1 : 1);
            var refIdx = idx - 1; // delta_idx_minus1 is only coded in slice headers
            int refNegative = negativeCounts[refIdx], refPositive = positiveCounts[refIdx];
            var reference = deltaPocs.Slice(refIdx * 32, 32);
            Span<bool> useDelta = stackalloc bool[33];
            for (var j = 0; j <= refNegative + refPositive; j++)
            {
                var usedByCurrent = reader.ReadFlag("used_by_curr_pic_flag");
                useDelta[j] = usedByCurrent || reader.ReadFlag("use_delta_flag");
            }

            var negative = 0;
            var positive = 0;
            Span<int> s0 = stackalloc int[33];
            Span<int> s1 = stackalloc int[33];
            // Equation 7-61 (negatives, closest first) and 7-62 (positives).
            for (var j = refPositive - 1; j >= 0; j--)
            {
                var dPoc = reference[refNegative + j] + deltaRps;
                if (dPoc < 0 && useDelta[refNegative + j])
                {
                    s0[negative++] = dPoc;
                }
            }

            if (deltaRps < 0 && useDelta[refNegative + refPositive])
            {
                s0[negative++] = deltaRps;
            }

            for (var j = 0; j < refNegative; j++)
            {
                var dPoc = reference[j] + deltaRps;
                if (dPoc < 0 && useDelta[j])
                {
                    s0[negative++] = dPoc;
                }
            }

            for (var j = refNegative - 1; j >= 0; j--)
            {
                var dPoc = reference[j] + deltaRps;
                if (dPoc > 0 && useDelta[j])
                {
                    s1[positive++] = dPoc;
                }
            }

            if (deltaRps > 0 && useDelta[refNegative + refPositive])
            {
                s1[positive++] = deltaRps;
            }

            for (var j = 0; j < refPositive; j++)
            {
                var dPoc = reference[refNegative + j] + deltaRps;
                if (dPoc > 0 && useDelta[refNegative + j])
                {
                    s1[positive++] = dPoc;
                }
            }

            if (negative + positive > 16)
            {
                throw new InvalidDataException($"SPS short-term reference picture set {idx} predicts {negative + positive} pictures, above 16: the SPS is corrupt.");
            }

            s0[..negative].CopyTo(own);
            s1[..positive].CopyTo(own[negative..]);
            negativeCounts[idx] = (byte)negative;
            positiveCounts[idx] = (byte)positive;
            return;
        }

        var negativeCount = reader.ReadUe("num_negative_pics", 16);
        var positiveCount = reader.ReadUe("num_positive_pics", 16 - negativeCount);
        var poc = 0;
        for (var i = 0; i < negativeCount; i++)
        {
            poc -= 1 + reader.ReadUe("delta_poc_s0_minus1", 32767);
            own[i] = poc;
            reader.Skip(1, "used_by_curr_pic_s0_flag");
        }

        poc = 0;
        for (var i = 0; i < positiveCount; i++)
        {
            poc += 1 + reader.ReadUe("delta_poc_s1_minus1", 32767);
            own[negativeCount + i] = poc;
            reader.Skip(1, "used_by_curr_pic_s1_flag");
        }

        negativeCounts[idx] = (byte)negativeCount;
        positiveCounts[idx] = (byte)positiveCount;
    }

    // H.265 §E.2.1 vui_parameters() up to min_spatial_segmentation_idc.
    private static (uint NumUnitsInTick, uint TimeScale, int MinSpatialSegmentationIdc) ReadVui(ref RbspBitReader reader, int maxSubLayersMinus1)
    {
        if (reader.ReadFlag("aspect_ratio_info_present_flag") && reader.ReadBits(8, "aspect_ratio_idc") == 255)
        {
            reader.Skip(32, "sar_width/sar_height");
        }

        if (reader.ReadFlag("overscan_info_present_flag"))
        {
            reader.Skip(1, "overscan_appropriate_flag");
        }

        if (reader.ReadFlag("video_signal_type_present_flag"))
        {
            reader.Skip(4, "video_format/video_full_range_flag");
            if (reader.ReadFlag("colour_description_present_flag"))
            {
                reader.Skip(24, "colour_primaries/transfer_characteristics/matrix_coeffs");
            }
        }

        if (reader.ReadFlag("chroma_loc_info_present_flag"))
        {
            reader.ReadUe("chroma_sample_loc_type_top_field");
            reader.ReadUe("chroma_sample_loc_type_bottom_field");
        }

        reader.Skip(3, "neutral_chroma_indication_flag/field_seq_flag/frame_field_info_present_flag");
        if (reader.ReadFlag("default_display_window_flag"))
        {
            for (var i = 0; i < 4; i++)
            {
                reader.ReadUe("def_disp_win_offset");
            }
        }

        uint numUnitsInTick = 0, timeScale = 0;
        if (reader.ReadFlag("vui_timing_info_present_flag"))
        {
            numUnitsInTick = reader.ReadBits(32, "vui_num_units_in_tick");
            timeScale = reader.ReadBits(32, "vui_time_scale");
            if (reader.ReadFlag("vui_poc_proportional_to_timing_flag"))
            {
                reader.ReadUe("vui_num_ticks_poc_diff_one_minus1");
            }

            if (reader.ReadFlag("vui_hrd_parameters_present_flag"))
            {
                SkipHrdParameters(ref reader, maxSubLayersMinus1);
            }
        }

        var minSpatialSegmentationIdc = 0;
        if (reader.ReadFlag("bitstream_restriction_flag"))
        {
            reader.Skip(3, "tiles_fixed_structure_flag/motion_vectors_over_pic_boundaries_flag/restricted_ref_pic_lists_flag");
            minSpatialSegmentationIdc = reader.ReadUe("min_spatial_segmentation_idc", 4095);
        }

        return (numUnitsInTick, timeScale, minSpatialSegmentationIdc);
    }

    // H.265 §E.2.2 hrd_parameters(1, sps_max_sub_layers_minus1).
    private static void SkipHrdParameters(ref RbspBitReader reader, int maxSubLayersMinus1)
    {
        var nalHrd = reader.ReadFlag("nal_hrd_parameters_present_flag");
        var vclHrd = reader.ReadFlag("vcl_hrd_parameters_present_flag");
        var subPicHrd = false;
        if (nalHrd || vclHrd)
        {
            subPicHrd = reader.ReadFlag("sub_pic_hrd_params_present_flag");
            if (subPicHrd)
            {
                reader.Skip(8 + 5 + 1 + 5, "tick_divisor_minus2/du_cpb_removal_delay_increment_length_minus1/sub_pic_cpb_params_in_pic_timing_sei_flag/dpb_output_delay_du_length_minus1");
            }

            reader.Skip(8, "bit_rate_scale/cpb_size_scale");
            if (subPicHrd)
            {
                reader.Skip(4, "cpb_size_du_scale");
            }

            reader.Skip(15, "initial_cpb_removal_delay_length_minus1/au_cpb_removal_delay_length_minus1/dpb_output_delay_length_minus1");
        }

        for (var i = 0; i <= maxSubLayersMinus1; i++)
        {
            var fixedPicRate = reader.ReadFlag("fixed_pic_rate_general_flag") || reader.ReadFlag("fixed_pic_rate_within_cvs_flag");
            var lowDelay = false;
            if (fixedPicRate)
            {
                reader.ReadUe("elemental_duration_in_tc_minus1");
            }
            else
            {
                lowDelay = reader.ReadFlag("low_delay_hrd_flag");
            }

            var cpbCount = lowDelay ? 1 : 1 + reader.ReadUe("cpb_cnt_minus1", 31);
            for (var hrd = 0; hrd < (nalHrd ? 1 : 0) + (vclHrd ? 1 : 0); hrd++)
            {
                // §E.2.3 sub_layer_hrd_parameters().
                for (var k = 0; k < cpbCount; k++)
                {
                    reader.ReadUe("bit_rate_value_minus1");
                    reader.ReadUe("cpb_size_value_minus1");
                    if (subPicHrd)
                    {
                        reader.ReadUe("cpb_size_du_value_minus1");
                        reader.ReadUe("bit_rate_du_value_minus1");
                    }

                    reader.Skip(1, "cbr_flag");
                }
            }
        }
    }
}
