namespace KvsProducer.Nal;

/// <summary>
/// The start of an H.264 picture parameter set (ITU-T H.264 §7.3.2.2): the fields a slice header
/// parser needs to reach pic_order_cnt_lsb.
/// </summary>
/// <param name="PicParameterSetId">pic_parameter_set_id (0 to 255).</param>
/// <param name="SeqParameterSetId">seq_parameter_set_id (0 to 31) of the SPS it refers to.</param>
/// <param name="BottomFieldPicOrderInFramePresent">bottom_field_pic_order_in_frame_present_flag.</param>
internal sealed record H264PictureParameterSet(int PicParameterSetId, int SeqParameterSetId, bool BottomFieldPicOrderInFramePresent)
{
    /// <summary>Parses a PPS NAL unit (header byte included, no start code).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid PPS.</exception>
    public static H264PictureParameterSet Parse(ReadOnlySpan<byte> nalUnit)
    {
        var reader = new RbspBitReader(nalUnit, "PPS");
        reader.Skip(3, "forbidden_zero_bit/nal_ref_idc");
        var type = (int)reader.ReadBits(5, "nal_unit_type");
        if (type != NalUnitTypes.H264Pps)
        {
            throw new InvalidDataException($"NAL unit type {type} is not an H.264 PPS (type 8).");
        }

        var ppsId = reader.ReadUe("pic_parameter_set_id", 255);
        var spsId = reader.ReadUe("seq_parameter_set_id", 31);
        reader.Skip(1, "entropy_coding_mode_flag");
        return new H264PictureParameterSet(ppsId, spsId, reader.ReadFlag("bottom_field_pic_order_in_frame_present_flag"));
    }
}
