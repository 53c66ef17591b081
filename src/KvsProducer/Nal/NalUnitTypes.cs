namespace KvsProducer.Nal;

/// <summary>
/// NAL unit types that packaging cares about, and how to read them from the first header byte(s).
/// H.264: ITU-T H.264 Table 7-1 (type = low 5 bits of byte 0).
/// H.265: ITU-T H.265 Table 7-1 (type = bits 1..6 of byte 0, two-byte header).
/// </summary>
internal static class NalUnitTypes
{
    public const int H264NonIdrSlice = 1;
    public const int H264IdrSlice = 5;
    public const int H264Sei = 6;
    public const int H264Sps = 7;
    public const int H264Pps = 8;
    public const int H264AccessUnitDelimiter = 9;

    public const int H265BlaWLp = 16;
    public const int H265CraNut = 21;
    public const int H265IdrWRadl = 19;
    public const int H265IdrNLp = 20;
    public const int H265Vps = 32;
    public const int H265Sps = 33;
    public const int H265Pps = 34;
    public const int H265AccessUnitDelimiter = 35;
    public const int H265PrefixSei = 39;

    /// <summary>The NAL unit type of <paramref name="nalUnit"/> (which starts at its header, no start code).</summary>
    public static int TypeOf(VideoCodec codec, ReadOnlySpan<byte> nalUnit) =>
        nalUnit.IsEmpty ? -1 : codec == VideoCodec.H265 ? (nalUnit[0] >> 1) & 0x3F : nalUnit[0] & 0x1F;

    /// <summary>True for the NAL unit types that code a picture (VCL).</summary>
    public static bool IsSlice(VideoCodec codec, int type) =>
        codec == VideoCodec.H265 ? type is >= 0 and <= 31 : type is >= 1 and <= 5;

    /// <summary>True for a random-access picture: H.264 IDR, H.265 IRAP (BLA, IDR, CRA).</summary>
    public static bool IsRandomAccess(VideoCodec codec, int type) =>
        codec == VideoCodec.H265 ? type is >= H265BlaWLp and <= 23 : type == H264IdrSlice;

    /// <summary>True for SPS, PPS and (H.265) VPS.</summary>
    public static bool IsParameterSet(VideoCodec codec, int type) =>
        codec == VideoCodec.H265 ? type is H265Vps or H265Sps or H265Pps : type is H264Sps or H264Pps;
}
