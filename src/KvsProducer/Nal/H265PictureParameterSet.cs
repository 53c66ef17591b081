namespace KvsProducer.Nal;

/// <summary>
/// The start of an H.265 picture parameter set (ITU-T H.265 §7.3.2.3.1): the fields a slice segment
/// header parser needs to reach slice_pic_order_cnt_lsb.
/// </summary>
/// <param name="PicParameterSetId">pps_pic_parameter_set_id (0 to 63).</param>
/// <param name="SeqParameterSetId">pps_seq_parameter_set_id (0 to 15).</param>
/// <param name="DependentSliceSegmentsEnabled">dependent_slice_segments_enabled_flag.</param>
/// <param name="OutputFlagPresent">output_flag_present_flag (slices then code pic_output_flag).</param>
/// <param name="NumExtraSliceHeaderBits">num_extra_slice_header_bits (0 to 7).</param>
/// <param name="TilesEnabled">tiles_enabled_flag (for the configuration record's parallelismType).</param>
/// <param name="EntropyCodingSyncEnabled">entropy_coding_sync_enabled_flag (wavefronts).</param>
internal sealed record H265PictureParameterSet(
    int PicParameterSetId,
    int SeqParameterSetId,
    bool DependentSliceSegmentsEnabled,
    bool OutputFlagPresent,
    int NumExtraSliceHeaderBits,
    bool TilesEnabled,
    bool EntropyCodingSyncEnabled)
{
    /// <summary>Parses a PPS NAL unit (two-byte header included, no start code).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid PPS.</exception>
    public static H265PictureParameterSet Parse(ReadOnlySpan<byte> nalUnit)
    {
        var reader = new RbspBitReader(nalUnit, "PPS");
        reader.Skip(1, "forbidden_zero_bit");
        var type = (int)reader.ReadBits(6, "nal_unit_type");
        if (type != NalUnitTypes.H265Pps)
        {
            throw new InvalidDataException($"NAL unit type {type} is not an H.265 PPS (type 34).");
        }

        reader.Skip(9, "nuh_layer_id/nuh_temporal_id_plus1");
        var ppsId = reader.ReadUe("pps_pic_parameter_set_id", 63);
        var spsId = reader.ReadUe("pps_seq_parameter_set_id", 15);
        var dependent = reader.ReadFlag("dependent_slice_segments_enabled_flag");
        var outputFlag = reader.ReadFlag("output_flag_present_flag");
        var extraBits = (int)reader.ReadBits(3, "num_extra_slice_header_bits");
        reader.Skip(2, "sign_data_hiding_enabled_flag/cabac_init_present_flag");
        reader.ReadUe("num_ref_idx_l0_default_active_minus1", 14);
        reader.ReadUe("num_ref_idx_l1_default_active_minus1", 14);
        reader.ReadSe("init_qp_minus26");
        reader.Skip(2, "constrained_intra_pred_flag/transform_skip_enabled_flag");
        if (reader.ReadFlag("cu_qp_delta_enabled_flag"))
        {
            reader.ReadUe("diff_cu_qp_delta_depth");
        }

        reader.ReadSe("pps_cb_qp_offset");
        reader.ReadSe("pps_cr_qp_offset");
        reader.Skip(4, "pps_slice_chroma_qp_offsets_present_flag/weighted_pred_flag/weighted_bipred_flag/transquant_bypass_enabled_flag");
        var tiles = reader.ReadFlag("tiles_enabled_flag");
        var wavefronts = reader.ReadFlag("entropy_coding_sync_enabled_flag");
        return new H265PictureParameterSet(ppsId, spsId, dependent, outputFlag, extraBits, tiles, wavefronts);
    }
}
