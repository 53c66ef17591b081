using KvsProducer.Nal;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Nal;

/// <summary>The PPS fields slice-header parsing relies on, compared with ffmpeg's trace_headers.</summary>
public class PictureParameterSetTests
{
    private string _directory = string.Empty;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = FfmpegTool.CreateTemporaryDirectory();

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void H264_pps_fields_equal_ffmpeg_trace()
    {
        var file = Path.Combine(_directory, "interlaced.h264");
        // Interlaced coding makes x264 set bottom_field_pic_order_in_frame_present_flag.
        FfmpegTool.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "2", "-c:v", "libx264", "-flags", "+ildct+ilme", file);
        var ppsBytes = FfmpegElementaryStream.NalUnits(File.ReadAllBytes(file)).First(n => (n[0] & 0x1F) == 8);
        var expected = FfmpegTraceHeaders.FirstStructure(file, "Picture Parameter Set");

        var pps = H264PictureParameterSet.Parse(ppsBytes);

        Assert.That(
            (pps.PicParameterSetId, pps.SeqParameterSetId, pps.BottomFieldPicOrderInFramePresent),
            Is.EqualTo((expected["pic_parameter_set_id"], expected["seq_parameter_set_id"], expected["bottom_field_pic_order_in_frame_present_flag"] == 1)));
    }

    [Test]
    public void H265_pps_fields_equal_ffmpeg_trace()
    {
        var file = Path.Combine(_directory, "slices.h265");
        FfmpegTool.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "2", "-c:v", "libx265", "-x265-params", "log-level=error:slices=2", file);
        var ppsBytes = FfmpegElementaryStream.NalUnits(File.ReadAllBytes(file)).First(n => ((n[0] >> 1) & 0x3F) == 34);
        var expected = FfmpegTraceHeaders.FirstStructure(file, "Picture Parameter Set");

        var pps = H265PictureParameterSet.Parse(ppsBytes);

        Assert.That(
            (pps.PicParameterSetId, pps.SeqParameterSetId, pps.DependentSliceSegmentsEnabled, pps.OutputFlagPresent, pps.NumExtraSliceHeaderBits),
            Is.EqualTo((expected["pps_pic_parameter_set_id"], expected["pps_seq_parameter_set_id"], expected["dependent_slice_segments_enabled_flag"] == 1,
                expected["output_flag_present_flag"] == 1, expected["num_extra_slice_header_bits"])));
    }
}
