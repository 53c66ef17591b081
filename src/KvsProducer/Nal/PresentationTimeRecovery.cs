namespace KvsProducer.Nal;

/// <summary>
/// Recovers presentation times for raw H.264/H.265 streams, which carry none (a raw .h264/.h265 file or
/// a directory of frames gives only the decoding order and a frame rate). Fed each access unit's NAL
/// units in decoding order, it remembers the parameter sets, reads the first slice's picture order
/// count (POC), and returns
/// <c>PTS = decoding time of the POC epoch's first picture + display index × frame duration + reorder delay</c>,
/// where the display index is the POC distance from that first picture over the POC step between
/// frames, and the reorder delay is max_num_reorder_frames (H.264 VUI, or the §E.2.1 inference) /
/// sps_max_num_reorder_pics (H.265) frame durations.
/// </summary>
/// <remarks>
/// <para>
/// A POC epoch starts at the first picture and at every POC reset: H.264 IDR; H.265 IDR and BLA (a CRA
/// after the first picture does not reset the POC, so open GOPs stay in one epoch).
/// </para>
/// <para>
/// The POC step is the distance between consecutive frames in display order: assumed 2 for H.264
/// (x264 and most encoders count both fields of a frame) and 1 for H.265 (x265, HM), and lowered to
/// the greatest common divisor of the POC distances seen whenever a picture is not on that grid.
/// </para>
/// <para>
/// Guarantees: PTS ≥ DTS for every access unit (an estimate below is raised to the DTS), and the first
/// PTS of an epoch is after every PTS of the previous epochs (the epoch is moved later if needed).
/// </para>
/// <para>
/// Not handled (the picture is then placed in decoding order, PTS = DTS + delay): H.264
/// pic_order_cnt_type 1; H.264 memory_management_control_operation 5 (a POC reset without an IDR;
/// reading it would need the whole slice header up to dec_ref_pic_marking); H.264 field pairs are timed
/// per field NAL unit as frames. Access units without a slice, or whose parameter sets were never
/// seen, also get PTS = DTS + delay.
/// </para>
/// <para>Steady state allocates nothing: parameter sets are parsed again only when their bytes change.</para>
/// </remarks>
internal sealed class PresentationTimeRecovery
{
    private const int EndOfSequence = 36; // H.265 EOS_NUT

    private readonly VideoCodec _codec;
    private readonly ParameterSetSlot<H264SequenceParameterSet>[] _h264Sps = new ParameterSetSlot<H264SequenceParameterSet>[32];
    private readonly ParameterSetSlot<H264PictureParameterSet>[] _h264Pps = new ParameterSetSlot<H264PictureParameterSet>[256];
    private readonly ParameterSetSlot<H265SequenceParameterSet>[] _h265Sps = new ParameterSetSlot<H265SequenceParameterSet>[16];
    private readonly ParameterSetSlot<H265PictureParameterSet>[] _h265Pps = new ParameterSetSlot<H265PictureParameterSet>[64];

    // The current access unit.
    private bool _sliceSeen;
    private bool _pocKnown;
    private bool _pocReset;
    private long _poc;
    private int _reorderFrames;

    // H.264 §8.2.1.1 / H.265 §8.3.1: prevPicOrderCntMsb/Lsb of the previous reference (H.264) or
    // TemporalId-0 non-RASL/RADL/SLNR (H.265) picture.
    private long _prevPocMsb;
    private long _prevPocLsb;
    private bool _firstPicture = true;

    // The current epoch.
    private bool _epochStarted;
    private TimeSpan _epochBase;
    private long _epochBasePoc;
    private long _pocStep;
    private long _decodeIndexInEpoch;
    private TimeSpan _maxPresentationTime = TimeSpan.MinValue;

    /// <summary>Creates a recovery for a stream of <paramref name="codec"/>.</summary>
    public PresentationTimeRecovery(VideoCodec codec)
    {
        _codec = codec;
        _pocStep = codec == VideoCodec.H265 ? 1 : 2;
    }

    /// <summary>Takes the next NAL unit (no start code) of the current access unit, in decoding order.</summary>
    /// <exception cref="InvalidDataException">A parameter set or slice header is corrupt.</exception>
    public void AddNalUnit(ReadOnlySpan<byte> nalUnit)
    {
        var type = NalUnitTypes.TypeOf(_codec, nalUnit);
        if (type < 0)
        {
            return;
        }

        if (_codec == VideoCodec.H264)
        {
            AddH264(nalUnit, type);
        }
        else
        {
            AddH265(nalUnit, type);
        }
    }

    /// <summary>
    /// Ends the current access unit (the NAL units given since the previous call) and returns its
    /// presentation time.
    /// </summary>
    /// <param name="decodingTime">The access unit's decoding time (increasing).</param>
    /// <param name="frameDuration">The frame duration (1 / frame rate).</param>
    public TimeSpan CompleteAccessUnit(TimeSpan decodingTime, TimeSpan frameDuration)
    {
        var delay = frameDuration * _reorderFrames;
        if (!_epochStarted || (_pocKnown && _pocReset))
        {
            // A new epoch: its first picture must show after everything already shown.
            var earliestBase = _maxPresentationTime == TimeSpan.MinValue ? decodingTime : _maxPresentationTime + frameDuration - delay;
            _epochBase = decodingTime > earliestBase ? decodingTime : earliestBase;
            _epochBasePoc = _pocKnown ? _poc : 0;
            _decodeIndexInEpoch = 0;
            _epochStarted = true;
        }

        long displayIndex;
        if (_pocKnown)
        {
            var distance = _poc - _epochBasePoc;
            if (distance % _pocStep != 0)
            {
                _pocStep = GreatestCommonDivisor(_pocStep, Math.Abs(distance));
            }

            displayIndex = distance / _pocStep;
        }
        else
        {
            displayIndex = _decodeIndexInEpoch;
        }

        var presentationTime = _epochBase + (frameDuration * displayIndex) + delay;
        if (presentationTime < decodingTime)
        {
            presentationTime = decodingTime;
        }

        if (presentationTime > _maxPresentationTime)
        {
            _maxPresentationTime = presentationTime;
        }

        _decodeIndexInEpoch++;
        _sliceSeen = false;
        _pocKnown = false;
        _pocReset = false;
        return presentationTime;
    }

    /// <summary>Takes all NAL units of one access unit and returns its presentation time.</summary>
    public TimeSpan NextAccessUnit(IReadOnlyList<ReadOnlyMemory<byte>> nalUnits, TimeSpan decodingTime, TimeSpan frameDuration)
    {
        ArgumentNullException.ThrowIfNull(nalUnits);
        for (var i = 0; i < nalUnits.Count; i++)
        {
            AddNalUnit(nalUnits[i].Span);
        }

        return CompleteAccessUnit(decodingTime, frameDuration);
    }

    private void AddH264(ReadOnlySpan<byte> nalUnit, int type)
    {
        switch (type)
        {
            case NalUnitTypes.H264Sps:
                Remember(_h264Sps, nalUnit, H264SequenceParameterSet.Parse, static s => s.SeqParameterSetId);
                return;
            case NalUnitTypes.H264Pps:
                Remember(_h264Pps, nalUnit, H264PictureParameterSet.Parse, static p => p.PicParameterSetId);
                return;
            case >= 1 and <= 5 when !_sliceSeen:
                _sliceSeen = true;
                ReadH264PictureOrderCount(nalUnit, type);
                return;
            default:
                return;
        }
    }

    // H.264 §7.3.3 slice_header() up to delta_pic_order_cnt_bottom, then §8.2.1.1 (type 0).
    private void ReadH264PictureOrderCount(ReadOnlySpan<byte> nalUnit, int type)
    {
        var reader = new RbspBitReader(nalUnit, "slice header");
        reader.Skip(1, "forbidden_zero_bit");
        var nalRefIdc = reader.ReadBits(2, "nal_ref_idc");
        reader.Skip(5, "nal_unit_type");
        reader.ReadUe("first_mb_in_slice");
        reader.ReadUe("slice_type");
        var ppsId = reader.ReadUe("pic_parameter_set_id", 255);
        var pps = _h264Pps[ppsId].Value;
        var sps = pps is null ? null : _h264Sps[pps.SeqParameterSetId].Value;
        var isIdr = type == NalUnitTypes.H264IdrSlice;
        _pocReset = isIdr || _firstPicture;
        _firstPicture = false;
        if (pps is null || sps is null)
        {
            return;
        }

        _reorderFrames = sps.PicOrderCntType == 2 ? 0 : sps.EffectiveMaxNumReorderFrames;
        if (isIdr)
        {
            _prevPocMsb = 0;
            _prevPocLsb = 0;
        }

        if (sps.PicOrderCntType != 0)
        {
            return; // type 2 is decoding order; type 1 is not handled (see remarks): both use the decode index.
        }

        if (sps.SeparateColourPlane)
        {
            reader.Skip(2, "colour_plane_id");
        }

        reader.Skip(sps.Log2MaxFrameNum, "frame_num");
        var fieldPic = false;
        if (!sps.FrameMbsOnly)
        {
            fieldPic = reader.ReadFlag("field_pic_flag");
            if (fieldPic)
            {
                reader.Skip(1, "bottom_field_flag");
            }
        }

        if (isIdr)
        {
            reader.ReadUe("idr_pic_id");
        }

        long lsb = reader.ReadBits(sps.Log2MaxPicOrderCntLsb, "pic_order_cnt_lsb");
        var deltaBottom = pps.BottomFieldPicOrderInFramePresent && !fieldPic ? reader.ReadSe("delta_pic_order_cnt_bottom") : 0;
        var msb = PicOrderCntMsb(lsb, 1L << sps.Log2MaxPicOrderCntLsb);
        var top = msb + lsb;
        _poc = Math.Min(top, top + deltaBottom);
        _pocKnown = true;
        if (nalRefIdc != 0)
        {
            _prevPocMsb = msb;
            _prevPocLsb = lsb;
        }
    }

    private void AddH265(ReadOnlySpan<byte> nalUnit, int type)
    {
        switch (type)
        {
            case NalUnitTypes.H265Sps:
                Remember(_h265Sps, nalUnit, H265SequenceParameterSet.Parse, static s => s.SeqParameterSetId);
                return;
            case NalUnitTypes.H265Pps:
                Remember(_h265Pps, nalUnit, H265PictureParameterSet.Parse, static p => p.PicParameterSetId);
                return;
            case < 32 when !_sliceSeen:
                _sliceSeen = true;
                ReadH265PictureOrderCount(nalUnit, type);
                return;
            case EndOfSequence:
                _firstPicture = true; // H.265 §8.1.3: a CRA after end of sequence has NoRaslOutputFlag = 1.
                return;
            default:
                return;
        }
    }

    // H.265 §7.3.6.1 slice_segment_header() up to slice_pic_order_cnt_lsb, then §8.3.1.
    private void ReadH265PictureOrderCount(ReadOnlySpan<byte> nalUnit, int type)
    {
        var reader = new RbspBitReader(nalUnit, "slice header");
        reader.Skip(16 - 3, "NAL unit header");
        var temporalId = (int)reader.ReadBits(3, "nuh_temporal_id_plus1") - 1;
        var firstSliceInPicture = reader.ReadFlag("first_slice_segment_in_pic_flag");
        var isIrap = type is >= NalUnitTypes.H265BlaWLp and <= 23;
        if (isIrap)
        {
            reader.Skip(1, "no_output_of_prior_pics_flag");
        }

        var ppsId = reader.ReadUe("slice_pic_parameter_set_id", 63);
        var isIdr = type is NalUnitTypes.H265IdrWRadl or NalUnitTypes.H265IdrNLp;
        var noRaslOutput = isIdr || type is >= NalUnitTypes.H265BlaWLp and <= 18 || (type == NalUnitTypes.H265CraNut && _firstPicture);
        _pocReset = noRaslOutput;
        _firstPicture = false;
        var pps = _h265Pps[ppsId].Value;
        var sps = pps is null ? null : _h265Sps[pps.SeqParameterSetId].Value;
        if (pps is null || sps is null || !firstSliceInPicture)
        {
            // A picture's first slice segment always has first_slice_segment_in_pic_flag; without it the
            // access unit is incomplete and keeps decoding order.
            return;
        }

        _reorderFrames = sps.MaxNumReorderPics;
        reader.Skip(pps.NumExtraSliceHeaderBits, "slice_reserved_flag");
        reader.ReadUe("slice_type");
        if (pps.OutputFlagPresent)
        {
            reader.Skip(1, "pic_output_flag");
        }

        if (sps.SeparateColourPlane)
        {
            reader.Skip(2, "colour_plane_id");
        }

        long lsb = 0;
        if (!isIdr)
        {
            lsb = reader.ReadBits(sps.Log2MaxPicOrderCntLsb, "slice_pic_order_cnt_lsb");
        }

        var msb = noRaslOutput ? 0 : PicOrderCntMsb(lsb, 1L << sps.Log2MaxPicOrderCntLsb);
        _poc = msb + lsb;
        _pocKnown = true;

        // prevTid0Pic: TemporalId 0 and not RASL (8, 9), RADL (6, 7) or a sub-layer non-reference picture (even types ≤ 14).
        var isSubLayerNonReference = type <= 14 && type % 2 == 0;
        if (temporalId == 0 && type is not (>= 6 and <= 9) && !isSubLayerNonReference)
        {
            _prevPocMsb = msb;
            _prevPocLsb = lsb;
        }
    }

    // H.264 equation 8-3 / H.265 equation 8-1.
    private long PicOrderCntMsb(long lsb, long maxLsb)
    {
        if (lsb < _prevPocLsb && _prevPocLsb - lsb >= maxLsb / 2)
        {
            return _prevPocMsb + maxLsb;
        }

        if (lsb > _prevPocLsb && lsb - _prevPocLsb > maxLsb / 2)
        {
            return _prevPocMsb - maxLsb;
        }

        return _prevPocMsb;
    }

    private static long GreatestCommonDivisor(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a == 0 ? 1 : a;
    }

    private static void Remember<T>(ParameterSetSlot<T>[] slots, ReadOnlySpan<byte> nalUnit, ParseParameterSet<T> parse, Func<T, int> idOf)
        where T : class
    {
        // Encoders repeat identical parameter sets before every key frame: compare before parsing again.
        foreach (var slot in slots)
        {
            if (slot.Bytes is not null && slot.Bytes.AsSpan().SequenceEqual(nalUnit))
            {
                return;
            }
        }

        var parsed = parse(nalUnit);
        slots[idOf(parsed)] = new ParameterSetSlot<T>(nalUnit.ToArray(), parsed);
    }

    private delegate T ParseParameterSet<T>(ReadOnlySpan<byte> nalUnit);

    private readonly record struct ParameterSetSlot<T>(byte[]? Bytes, T? Value)
        where T : class;
}
