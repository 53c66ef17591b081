using System.Globalization;

namespace KvsProducer.Nal;

/// <summary>
/// The fields of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1) that packaging and
/// timestamp recovery need: profile and level for the codec private data and the description, the
/// picture size after cropping for the MKV Video element, picture-order-count fields for slice
/// headers, and the VUI's reorder depth and frame rate.
/// </summary>
internal sealed record H264SequenceParameterSet
{
    /// <summary>profile_idc (66 Baseline, 77 Main, 100 High...).</summary>
    public int ProfileIdc { get; init; }

    /// <summary>The byte after profile_idc: constraint_set0..5 flags and 2 reserved bits, as coded.</summary>
    public byte ConstraintFlags { get; init; }

    /// <summary>level_idc: ten times the level (30 = level 3.0).</summary>
    public int LevelIdc { get; init; }

    /// <summary>seq_parameter_set_id (0 to 31).</summary>
    public int SeqParameterSetId { get; init; }

    /// <summary>chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4 (1 when the profile does not code it).</summary>
    public int ChromaFormatIdc { get; init; } = 1;

    /// <summary>separate_colour_plane_flag (4:4:4 coded as three monochrome planes).</summary>
    public bool SeparateColourPlane { get; init; }

    /// <summary>Luma bit depth (8 to 14).</summary>
    public int BitDepthLuma { get; init; } = 8;

    /// <summary>Chroma bit depth (8 to 14).</summary>
    public int BitDepthChroma { get; init; } = 8;

    /// <summary>log2_max_frame_num_minus4 + 4: the bit length of frame_num in slice headers.</summary>
    public int Log2MaxFrameNum { get; init; }

    /// <summary>pic_order_cnt_type (0, 1 or 2).</summary>
    public int PicOrderCntType { get; init; }

    /// <summary>log2_max_pic_order_cnt_lsb_minus4 + 4 when <see cref="PicOrderCntType"/> is 0, else 0.</summary>
    public int Log2MaxPicOrderCntLsb { get; init; }

    /// <summary>frame_mbs_only_flag: false when the stream may code fields (interlaced).</summary>
    public bool FrameMbsOnly { get; init; }

    /// <summary>Displayed width in pixels, after frame cropping.</summary>
    public int Width { get; init; }

    /// <summary>Displayed height in pixels, after frame cropping.</summary>
    public int Height { get; init; }

    /// <summary>pic_width_in_mbs_minus1 + 1.</summary>
    public int PicWidthInMbs { get; init; }

    /// <summary>FrameHeightInMbs (H.264 equation 7-18): map units × (2 − frame_mbs_only_flag).</summary>
    public int FrameHeightInMbs { get; init; }

    /// <summary>VUI max_num_reorder_frames when bitstream_restriction_flag is set; null otherwise.</summary>
    public int? MaxNumReorderFrames { get; init; }

    /// <summary>VUI num_units_in_tick when timing_info_present_flag is set; 0 otherwise.</summary>
    public uint NumUnitsInTick { get; init; }

    /// <summary>VUI time_scale when timing_info_present_flag is set; 0 otherwise.</summary>
    public uint TimeScale { get; init; }

    /// <summary>
    /// Frames per second from the VUI timing (time_scale / (2 × num_units_in_tick): H.264 §E.2.1 counts
    /// field ticks), or null when the SPS carries no timing.
    /// </summary>
    public double? FrameRate => NumUnitsInTick != 0 && TimeScale != 0 ? TimeScale / (2.0 * NumUnitsInTick) : null;

    /// <summary>
    /// max_num_reorder_frames, or when the VUI does not code it the value H.264 §E.2.1 infers: 0 for the
    /// intra profiles (constraint_set3 with profile 44, 86, 100, 110, 122 or 244), else MaxDpbFrames
    /// (Annex A: MaxDpbMbs of the level / frame size in macroblocks, at most 16).
    /// </summary>
    public int EffectiveMaxNumReorderFrames
    {
        get
        {
            if (MaxNumReorderFrames is { } coded)
            {
                return coded;
            }

            if ((ConstraintFlags & 0x10) != 0 && ProfileIdc is 44 or 86 or 100 or 110 or 122 or 244)
            {
                return 0;
            }

            // H.264 Table A-1, MaxDpbMbs by level_idc (level 1b is coded 9, or 11 with constraint_set3).
            var maxDpbMbs = LevelIdc switch
            {
                <= 11 when LevelIdc != 11 || ((ConstraintFlags & 0x10) != 0 && ProfileIdc is 66 or 77 or 88) => 396,
                11 => 900,
                <= 20 => 2376,
                21 => 4752,
                <= 30 => 8100,
                31 => 18000,
                32 => 20480,
                <= 41 => 32768,
                42 => 34816,
                50 => 110400,
                <= 52 => 184320,
                _ => 696320,
            };
            return Math.Min(maxDpbMbs / Math.Max(1, PicWidthInMbs * FrameHeightInMbs), 16);
        }
    }

    /// <summary>The profile's name as H.264 Annex A calls it.</summary>
    public string ProfileName => ProfileIdc switch
    {
        66 => (ConstraintFlags & 0x40) != 0 ? "Constrained Baseline" : "Baseline",
        77 => "Main",
        88 => "Extended",
        100 => (ConstraintFlags & 0x0C) == 0x0C ? "Constrained High" : "High",
        110 => (ConstraintFlags & 0x10) != 0 ? "High 10 Intra" : "High 10",
        122 => (ConstraintFlags & 0x10) != 0 ? "High 4:2:2 Intra" : "High 4:2:2",
        244 => (ConstraintFlags & 0x10) != 0 ? "High 4:4:4 Intra" : "High 4:4:4 Predictive",
        44 => "CAVLC 4:4:4 Intra",
        _ => string.Create(CultureInfo.InvariantCulture, $"profile {ProfileIdc}"),
    };

    /// <summary>The level as written in Annex A: "3.1", or "1b".</summary>
    public string LevelName =>
        LevelIdc == 9 || (LevelIdc == 11 && (ConstraintFlags & 0x10) != 0 && ProfileIdc is 66 or 77 or 88)
            ? "1b"
            : string.Create(CultureInfo.InvariantCulture, $"{LevelIdc / 10}.{LevelIdc % 10}");

    /// <summary>True for the profiles whose SPS codes chroma format, bit depths and scaling lists (H.264 §7.3.2.1.1).</summary>
    public static bool HasChromaFormatFields(int profileIdc) =>
        profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;

    /// <summary>Parses an SPS NAL unit (header byte included, no start code).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid SPS; the message names the field.</exception>
    public static H264SequenceParameterSet Parse(ReadOnlySpan<byte> nalUnit)
    {
        var reader = new RbspBitReader(nalUnit, "SPS");
        reader.Skip(1, "forbidden_zero_bit");
        reader.Skip(2, "nal_ref_idc");
        var nalUnitType = (int)reader.ReadBits(5, "nal_unit_type");
        if (nalUnitType != NalUnitTypes.H264Sps)
        {
            throw new InvalidDataException($"NAL unit type {nalUnitType} is not an H.264 SPS (type 7).");
        }

        var profileIdc = (int)reader.ReadBits(8, "profile_idc");
        var constraintFlags = (byte)reader.ReadBits(8, "constraint_set_flags");
        var levelIdc = (int)reader.ReadBits(8, "level_idc");
        var spsId = reader.ReadUe("seq_parameter_set_id", 31);

        int chromaFormatIdc = 1, bitDepthLuma = 8, bitDepthChroma = 8;
        var separateColourPlane = false;
        if (HasChromaFormatFields(profileIdc))
        {
            chromaFormatIdc = reader.ReadUe("chroma_format_idc", 3);
            if (chromaFormatIdc == 3)
            {
                separateColourPlane = reader.ReadFlag("separate_colour_plane_flag");
            }

            bitDepthLuma = 8 + reader.ReadUe("bit_depth_luma_minus8", 6);
            bitDepthChroma = 8 + reader.ReadUe("bit_depth_chroma_minus8", 6);
            reader.Skip(1, "qpprime_y_zero_transform_bypass_flag");
            if (reader.ReadFlag("seq_scaling_matrix_present_flag"))
            {
                var listCount = chromaFormatIdc != 3 ? 8 : 12;
                for (var i = 0; i < listCount; i++)
                {
                    if (reader.ReadFlag("seq_scaling_list_present_flag"))
                    {
                        SkipScalingList(ref reader, i < 6 ? 16 : 64);
                    }
                }
            }
        }

        var log2MaxFrameNum = 4 + reader.ReadUe("log2_max_frame_num_minus4", 12);
        var picOrderCntType = reader.ReadUe("pic_order_cnt_type", 2);
        var log2MaxPocLsb = 0;
        if (picOrderCntType == 0)
        {
            log2MaxPocLsb = 4 + reader.ReadUe("log2_max_pic_order_cnt_lsb_minus4", 12);
        }
        else if (picOrderCntType == 1)
        {
            reader.Skip(1, "delta_pic_order_always_zero_flag");
            reader.ReadSe("offset_for_non_ref_pic");
            reader.ReadSe("offset_for_top_to_bottom_field");
            var cycle = reader.ReadUe("num_ref_frames_in_pic_order_cnt_cycle", 255);
            for (var i = 0; i < cycle; i++)
            {
                reader.ReadSe("offset_for_ref_frame");
            }
        }

        reader.ReadUe("max_num_ref_frames");
        reader.Skip(1, "gaps_in_frame_num_value_allowed_flag");
        // Annex A caps a picture at 139264 macroblocks (level 6.2); 1024 × 16 pixels is far beyond any level.
        var widthInMbs = 1 + reader.ReadUe("pic_width_in_mbs_minus1", 1023);
        var heightInMapUnits = 1 + reader.ReadUe("pic_height_in_map_units_minus1", 1023);
        var frameMbsOnly = reader.ReadFlag("frame_mbs_only_flag");
        if (!frameMbsOnly)
        {
            reader.Skip(1, "mb_adaptive_frame_field_flag");
        }

        reader.Skip(1, "direct_8x8_inference_flag");
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (reader.ReadFlag("frame_cropping_flag"))
        {
            cropLeft = reader.ReadUe("frame_crop_left_offset");
            cropRight = reader.ReadUe("frame_crop_right_offset");
            cropTop = reader.ReadUe("frame_crop_top_offset");
            cropBottom = reader.ReadUe("frame_crop_bottom_offset");
        }

        // H.264 §7.4.2.1.1, equations 7-19 to 7-22: crop offsets count chroma samples (and field rows).
        var chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
        var frameHeightFactor = frameMbsOnly ? 1 : 2;
        var cropUnitX = chromaArrayType == 0 ? 1 : chromaFormatIdc == 3 ? 1 : 2;
        var cropUnitY = (chromaArrayType == 0 ? 1 : chromaFormatIdc == 1 ? 2 : 1) * frameHeightFactor;
        var codedWidth = (long)widthInMbs * 16;
        var codedHeight = (long)heightInMapUnits * 16 * frameHeightFactor;
        var width = codedWidth - (cropUnitX * ((long)cropLeft + cropRight));
        var height = codedHeight - (cropUnitY * ((long)cropTop + cropBottom));
        if (width <= 0 || height <= 0)
        {
            throw new InvalidDataException(
                $"SPS crops the {codedWidth}x{codedHeight} coded picture by left {cropLeft}, right {cropRight}, top {cropTop}, bottom {cropBottom} units, leaving nothing: the SPS is corrupt.");
        }

        var vui = reader.ReadFlag("vui_parameters_present_flag") ? ParseVui(ref reader) : default;
        return new H264SequenceParameterSet
        {
            ProfileIdc = profileIdc,
            ConstraintFlags = constraintFlags,
            LevelIdc = levelIdc,
            SeqParameterSetId = spsId,
            ChromaFormatIdc = chromaFormatIdc,
            SeparateColourPlane = separateColourPlane,
            BitDepthLuma = bitDepthLuma,
            BitDepthChroma = bitDepthChroma,
            Log2MaxFrameNum = log2MaxFrameNum,
            PicOrderCntType = picOrderCntType,
            Log2MaxPicOrderCntLsb = log2MaxPocLsb,
            FrameMbsOnly = frameMbsOnly,
            PicWidthInMbs = widthInMbs,
            FrameHeightInMbs = heightInMapUnits * frameHeightFactor,
            Width = (int)width,
            Height = (int)height,
            NumUnitsInTick = vui.NumUnitsInTick,
            TimeScale = vui.TimeScale,
            MaxNumReorderFrames = vui.MaxNumReorderFrames,
        };
    }

    // H.264 §7.3.2.1.1.1: scaling_list(); only skipped, the values do not matter to packaging.
    private static void SkipScalingList(ref RbspBitReader reader, int size)
    {
        int lastScale = 8, nextScale = 8;
        for (var j = 0; j < size; j++)
        {
            if (nextScale != 0)
            {
                var delta = reader.ReadSe("delta_scale");
                if (delta is < -128 or > 127)
                {
                    throw new InvalidDataException($"SPS has delta_scale = {delta}, outside -128..127: the SPS is corrupt.");
                }

                nextScale = (lastScale + delta + 256) % 256;
            }

            lastScale = nextScale == 0 ? lastScale : nextScale;
        }
    }

    // H.264 §E.1.1: vui_parameters(), read up to the bitstream restriction.
    private static (uint NumUnitsInTick, uint TimeScale, int? MaxNumReorderFrames) ParseVui(ref RbspBitReader reader)
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
                reader.Skip(24, "colour_primaries/transfer_characteristics/matrix_coefficients");
            }
        }

        if (reader.ReadFlag("chroma_loc_info_present_flag"))
        {
            reader.ReadUe("chroma_sample_loc_type_top_field");
            reader.ReadUe("chroma_sample_loc_type_bottom_field");
        }

        uint numUnitsInTick = 0, timeScale = 0;
        if (reader.ReadFlag("timing_info_present_flag"))
        {
            numUnitsInTick = reader.ReadBits(32, "num_units_in_tick");
            timeScale = reader.ReadBits(32, "time_scale");
            reader.Skip(1, "fixed_frame_rate_flag");
        }

        var nalHrd = reader.ReadFlag("nal_hrd_parameters_present_flag");
        if (nalHrd)
        {
            SkipHrdParameters(ref reader);
        }

        var vclHrd = reader.ReadFlag("vcl_hrd_parameters_present_flag");
        if (vclHrd)
        {
            SkipHrdParameters(ref reader);
        }

        if (nalHrd || vclHrd)
        {
            reader.Skip(1, "low_delay_hrd_flag");
        }

        reader.Skip(1, "pic_struct_present_flag");
        int? maxNumReorderFrames = null;
        if (reader.ReadFlag("bitstream_restriction_flag"))
        {
            reader.Skip(1, "motion_vectors_over_pic_boundaries_flag");
            reader.ReadUe("max_bytes_per_pic_denom");
            reader.ReadUe("max_bits_per_mb_denom");
            reader.ReadUe("log2_max_mv_length_horizontal");
            reader.ReadUe("log2_max_mv_length_vertical");
            maxNumReorderFrames = reader.ReadUe("max_num_reorder_frames", 16);
            reader.ReadUe("max_dec_frame_buffering");
        }

        return (numUnitsInTick, timeScale, maxNumReorderFrames);
    }

    // H.264 §E.1.2: hrd_parameters().
    private static void SkipHrdParameters(ref RbspBitReader reader)
    {
        var cpbCount = 1 + reader.ReadUe("cpb_cnt_minus1", 31);
        reader.Skip(8, "bit_rate_scale/cpb_size_scale");
        for (var i = 0; i < cpbCount; i++)
        {
            reader.ReadUe("bit_rate_value_minus1");
            reader.ReadUe("cpb_size_value_minus1");
            reader.Skip(1, "cbr_flag");
        }

        reader.Skip(20, "hrd delay lengths");
    }
}
