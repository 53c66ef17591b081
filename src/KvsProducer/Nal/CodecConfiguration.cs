using System.Globalization;

namespace KvsProducer.Nal;

/// <summary>
/// What the MKV track header needs from a video stream's parameter sets: the CodecPrivate bytes
///, the displayed picture size, and a one-line description for logs and errors.
/// </summary>
/// <param name="CodecPrivateData">The AVCDecoderConfigurationRecord or HEVCDecoderConfigurationRecord.</param>
/// <param name="Width">Displayed width in pixels (after cropping / the conformance window).</param>
/// <param name="Height">Displayed height in pixels.</param>
/// <param name="Description">For example "H.264 High@4.0 1280x720".</param>
internal sealed record CodecConfiguration(byte[] CodecPrivateData, int Width, int Height, string Description)
{
    /// <summary>
    /// Builds the configuration from the parameter-set NAL units found in a key frame (no start codes,
    /// any order; other NAL types are ignored). The first SPS gives the size and profile.
    /// </summary>
    /// <exception cref="FrameRejectedException">
    /// <see cref="FrameRejectionReason.MissingParameterSets"/> when an SPS, PPS (or H.265 VPS) is absent;
    /// <see cref="FrameRejectionReason.InvalidParameterSet"/> when the SPS does not parse.
    /// </exception>
    public static CodecConfiguration FromParameterSets(VideoCodec codec, IReadOnlyList<ReadOnlyMemory<byte>> parameterSetNalUnits)
    {
        ArgumentNullException.ThrowIfNull(parameterSetNalUnits);
        var vps = new List<ReadOnlyMemory<byte>>();
        var sps = new List<ReadOnlyMemory<byte>>();
        var pps = new List<ReadOnlyMemory<byte>>();
        foreach (var nalUnit in parameterSetNalUnits)
        {
            var type = NalUnitTypes.TypeOf(codec, nalUnit.Span);
            var list = (codec, type) switch
            {
                (VideoCodec.H265, NalUnitTypes.H265Vps) => vps,
                (VideoCodec.H265, NalUnitTypes.H265Sps) => sps,
                (VideoCodec.H265, NalUnitTypes.H265Pps) => pps,
                (VideoCodec.H264, NalUnitTypes.H264Sps) => sps,
                (VideoCodec.H264, NalUnitTypes.H264Pps) => pps,
                _ => null,
            };
            if (list is not null && !ContainsEqual(list, nalUnit.Span))
            {
                list.Add(nalUnit);
            }
        }

        var missing = new List<string>(3);
        if (codec == VideoCodec.H265 && vps.Count == 0)
        {
            missing.Add("VPS");
        }

        if (sps.Count == 0)
        {
            missing.Add("SPS");
        }

        if (pps.Count == 0)
        {
            missing.Add("PPS");
        }

        if (missing.Count > 0)
        {
            var codecName = CodecName(codec);
            throw new FrameRejectedException(
                FrameRejectionReason.MissingParameterSets,
                $"The first {codecName} key frame has no {string.Join(", ", missing)}, and the track has no codec private data: "
                + "configure the encoder to repeat parameter sets before every key frame (x264: --repeat-headers; "
                + "GStreamer: config-interval=-1 on h264parse/h265parse), or set TrackDefinition.CodecPrivateData.");
        }

        try
        {
            return codec == VideoCodec.H265 ? ForH265(HevcDecoderConfigurationRecord.Build(vps, sps, pps), sps[0].Span) : ForH264(AvcDecoderConfigurationRecord.Build(sps, pps), sps[0].Span);
        }
        catch (InvalidDataException e)
        {
            throw new FrameRejectedException(
                FrameRejectionReason.InvalidParameterSet,
                $"The {CodecName(codec)} parameter sets of the first key frame cannot be used: {e.Message} Check that the stream really is {CodecName(codec)}.");
        }
    }

    /// <summary>
    /// Accepts a configuration record the application supplies (AVCC for H.264, HVCC for H.265), checks it,
    /// and reads its first SPS for the picture size. The record's bytes are kept as they are.
    /// </summary>
    /// <exception cref="FrameRejectedException"><see cref="FrameRejectionReason.InvalidParameterSet"/> when the record is not valid.</exception>
    public static CodecConfiguration FromRecord(VideoCodec codec, ReadOnlySpan<byte> record)
    {
        var copy = record.ToArray();
        var parsed = codec == VideoCodec.H265
            ? HevcDecoderConfigurationRecord.TryParse(copy, out var sets, out var error)
            : AvcDecoderConfigurationRecord.TryParse(copy, out sets, out error);
        if (!parsed)
        {
            throw new FrameRejectedException(
                FrameRejectionReason.InvalidParameterSet,
                $"The track's codec private data is not a valid {CodecName(codec)} configuration record: {error}. "
                + $"Give an {(codec == VideoCodec.H265 ? "HEVCDecoderConfigurationRecord" : "AVCDecoderConfigurationRecord")}, or leave it empty to take the parameter sets from the first key frame.");
        }

        try
        {
            return codec == VideoCodec.H265 ? ForH265(copy, sets.Sps[0].Span) : ForH264(copy, sets.Sps[0].Span);
        }
        catch (InvalidDataException e)
        {
            throw new FrameRejectedException(
                FrameRejectionReason.InvalidParameterSet,
                $"The SPS in the track's {CodecName(codec)} codec private data cannot be parsed: {e.Message}");
        }
    }

    private static CodecConfiguration ForH264(byte[] record, ReadOnlySpan<byte> spsNalUnit)
    {
        var sps = H264SequenceParameterSet.Parse(spsNalUnit);
        return new CodecConfiguration(
            record,
            sps.Width,
            sps.Height,
            string.Create(CultureInfo.InvariantCulture, $"H.264 {sps.ProfileName}@{sps.LevelName} {sps.Width}x{sps.Height}"));
    }

    private static CodecConfiguration ForH265(byte[] record, ReadOnlySpan<byte> spsNalUnit)
    {
        var sps = H265SequenceParameterSet.Parse(spsNalUnit);
        var tier = sps.GeneralTierFlag ? "High" : "Main";
        return new CodecConfiguration(
            record,
            sps.Width,
            sps.Height,
            string.Create(CultureInfo.InvariantCulture, $"H.265 {sps.ProfileName}@L{sps.LevelName} {tier} tier {sps.Width}x{sps.Height}"));
    }

    private static string CodecName(VideoCodec codec) => codec == VideoCodec.H265 ? "H.265" : "H.264";

    private static bool ContainsEqual(List<ReadOnlyMemory<byte>> list, ReadOnlySpan<byte> nalUnit)
    {
        foreach (var existing in list)
        {
            if (existing.Span.SequenceEqual(nalUnit))
            {
                return true;
            }
        }

        return false;
    }
}
