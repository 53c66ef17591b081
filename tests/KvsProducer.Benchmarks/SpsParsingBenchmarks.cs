using BenchmarkDotNet.Attributes;
using KvsProducer.Nal;

namespace KvsProducer.Benchmarks;

/// <summary>
/// The cost of reading parameter sets: once per stream for the codec private data, and the per-frame
/// work of presentation time recovery (which must not allocate in steady state).
/// </summary>
/// <remarks>
/// Bytes from: ffmpeg -f lavfi -i testsrc2=size=1280x720:rate=25 -frames:v 1 -c:v libx264 -profile:v high out.h264
/// and the same with -c:v libx265 -x265-params log-level=error out.h265 (NAL units without start codes;
/// the IDR slice cut after its header).
/// </remarks>
[MemoryDiagnoser]
public class SpsParsingBenchmarks
{
    private static readonly byte[] H264Sps = Convert.FromHexString("6764001facd9405005bb011000000300100000030320f1831960");
    private static readonly byte[] H264Pps = Convert.FromHexString("68ebe3cb22c0");
    private static readonly byte[] H264IdrSliceStart = Convert.FromHexString("658884002dffda5bba6f91aa7e1e622fa88332e8d29da5213318fd126a8c2551");
    private static readonly byte[] H265Vps = Convert.FromHexString("40010c01ffff01600000030090000003000003005d959809");
    private static readonly byte[] H265Sps = Convert.FromHexString("42010101600000030090000003000003005da00280802d165959a4932bc05a020000030002000003003210");
    private static readonly byte[] H265Pps = Convert.FromHexString("4401c172b46240");

    private readonly ReadOnlyMemory<byte>[] _h264ParameterSets = [H264Sps, H264Pps];
    private readonly ReadOnlyMemory<byte>[] _h265ParameterSets = [H265Vps, H265Sps, H265Pps];
    private readonly ReadOnlyMemory<byte>[] _h264KeyFrame = [H264Sps, H264Pps, H264IdrSliceStart];
    private readonly PresentationTimeRecovery _recovery = new(VideoCodec.H264);
    private TimeSpan _decodingTime;

    [Benchmark]
    public int Parse_h264_sps() => H264SequenceParameterSet.Parse(H264Sps).Width;

    [Benchmark]
    public int Parse_h265_sps() => H265SequenceParameterSet.Parse(H265Sps).Width;

    [Benchmark]
    public int Build_avc_codec_configuration() => CodecConfiguration.FromParameterSets(VideoCodec.H264, _h264ParameterSets).CodecPrivateData.Length;

    [Benchmark]
    public int Build_hevc_codec_configuration() => CodecConfiguration.FromParameterSets(VideoCodec.H265, _h265ParameterSets).CodecPrivateData.Length;

    /// <summary>A key frame with repeated SPS/PPS: the parameter sets are compared, not parsed again.</summary>
    [Benchmark]
    public TimeSpan Recover_presentation_time_of_a_key_frame()
    {
        _decodingTime += TimeSpan.FromMilliseconds(40);
        return _recovery.NextAccessUnit(_h264KeyFrame, _decodingTime, TimeSpan.FromMilliseconds(40));
    }
}
