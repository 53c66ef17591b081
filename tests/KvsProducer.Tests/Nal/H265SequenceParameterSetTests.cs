using System.Globalization;
using KvsProducer.Nal;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Nal;

/// <summary>
/// Our H.265 SPS parser against ffmpeg: each case encodes a few frames with x265 (through ffmpeg),
/// parses the first SPS, and compares the fields with ffmpeg's trace_headers and the picture size
/// with ffprobe.
/// </summary>
public class H265SequenceParameterSetTests
{
    private string _directory = string.Empty;

    public static IEnumerable<TestCaseData> Encodings()
    {
        yield return new TestCaseData("640x480", Array.Empty<string>(), "log-level=error").SetName("Main_640x480_matches_ffmpeg");
        yield return new TestCaseData("854x480", Array.Empty<string>(), "log-level=error").SetName("Main_854x480_with_conformance_window_matches_ffmpeg");
        yield return new TestCaseData("854x480", Array.Empty<string>(), "log-level=error:temporal-layers=1").SetName("Two_sub_layers_are_skipped_correctly");
        yield return new TestCaseData("640x480", new[] { "-pix_fmt", "yuv420p10le" }, "log-level=error").SetName("Main_10_reads_bit_depths");
        yield return new TestCaseData("853x479", new[] { "-pix_fmt", "yuv444p" }, "log-level=error").SetName("Range_extension_444_odd_size_crops_in_luma_units");
        yield return new TestCaseData("640x480", Array.Empty<string>(), "log-level=error:scaling-list=default:hrd=1:vbv-bufsize=1000:vbv-maxrate=1000").SetName("Hrd_and_default_scaling_lists_are_skipped_to_the_vui_timing");
    }

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = FfmpegTool.CreateTemporaryDirectory();

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestCaseSource(nameof(Encodings))]
    public void Parsed_fields_equal_ffmpeg_trace(string size, string[] encoderOptions, string x265Parameters)
    {
        var file = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".h265");
        // e.g. ffmpeg -f lavfi -i testsrc2=size=854x480:rate=25 -frames:v 3 -c:v libx265 -x265-params log-level=error out.h265
        FfmpegTool.Ffmpeg(["-f", "lavfi", "-i", $"testsrc2=size={size}:rate=25", "-frames:v", "3", "-c:v", "libx265", .. encoderOptions, "-x265-params", x265Parameters, file]);
        var spsBytes = FfmpegElementaryStream.NalUnits(File.ReadAllBytes(file)).First(n => ((n[0] >> 1) & 0x3F) == 33);
        var fields = FfmpegTraceHeaders.FirstStructureFields(file, "Sequence Parameter Set");
        var expected = fields.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Value);

        var sps = H265SequenceParameterSet.Parse(spsBytes);

        var maxSubLayersMinus1 = expected["sps_max_sub_layers_minus1"];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sps.VideoParameterSetId, Is.EqualTo(expected["sps_video_parameter_set_id"]));
            Assert.That(sps.MaxSubLayers, Is.EqualTo(maxSubLayersMinus1 + 1));
            Assert.That(sps.TemporalIdNesting, Is.EqualTo(expected["sps_temporal_id_nesting_flag"] == 1));
            Assert.That(sps.GeneralProfileSpace, Is.EqualTo(expected["general_profile_space"]));
            Assert.That(sps.GeneralTierFlag, Is.EqualTo(expected["general_tier_flag"] == 1));
            Assert.That(sps.GeneralProfileIdc, Is.EqualTo(expected["general_profile_idc"]));
            Assert.That(sps.GeneralProfileCompatibilityFlags, Is.EqualTo(Convert.ToUInt32(BitsBetween(fields, "general_profile_compatibility_flag[0]", "general_profile_compatibility_flag[31]"), 2)));
            Assert.That(sps.GeneralConstraintIndicatorFlags, Is.EqualTo(Convert.ToUInt64(BitsBetween(fields, "general_progressive_source_flag", "general_inbld_flag"), 2)));
            Assert.That(sps.GeneralLevelIdc, Is.EqualTo(expected["general_level_idc"]));
            Assert.That(sps.SeqParameterSetId, Is.EqualTo(expected["sps_seq_parameter_set_id"]));
            Assert.That(sps.ChromaFormatIdc, Is.EqualTo(expected["chroma_format_idc"]));
            Assert.That(sps.SeparateColourPlane, Is.EqualTo(expected.GetValueOrDefault("separate_colour_plane_flag") == 1));
            Assert.That(sps.BitDepthLuma, Is.EqualTo(8 + expected["bit_depth_luma_minus8"]));
            Assert.That(sps.BitDepthChroma, Is.EqualTo(8 + expected["bit_depth_chroma_minus8"]));
            Assert.That(sps.Log2MaxPicOrderCntLsb, Is.EqualTo(4 + expected["log2_max_pic_order_cnt_lsb_minus4"]));
            Assert.That(sps.MaxNumReorderPics, Is.EqualTo(expected[$"sps_max_num_reorder_pics[{maxSubLayersMinus1}]"]));
            Assert.That(sps.NumUnitsInTick, Is.EqualTo(expected.GetValueOrDefault("vui_num_units_in_tick")));
            Assert.That(sps.TimeScale, Is.EqualTo(expected.GetValueOrDefault("vui_time_scale")));
            Assert.That(sps.MinSpatialSegmentationIdc, Is.EqualTo(expected.GetValueOrDefault("min_spatial_segmentation_idc")));
            Assert.That(sps.Width.ToString(CultureInfo.InvariantCulture), Is.EqualTo(FfmpegTool.StreamEntry(file, "width")));
            Assert.That(sps.Height.ToString(CultureInfo.InvariantCulture), Is.EqualTo(FfmpegTool.StreamEntry(file, "height")));
        }
    }

    [Test]
    public void Vui_after_reference_picture_sets_scaling_lists_pcm_and_hrd_gives_the_frame_rate_and_segmentation()
    {
        // x265 codes none of these in its SPS, so the SPS is built bit by bit and ffmpeg's trace_headers
        // (which derives predicted reference picture sets fully) is the oracle. Reading
        // min_spatial_segmentation_idc right proves every field before it was skipped right.
        var bits = new RbspBitWriter();
        bits.Bits(0x4201, 16).Bits(0, 4).Bits(1, 3).Bits(1, 1); // VPS 0, two sub-layers, nesting
        bits.Bits(0, 2).Bits(0, 1).Bits(1, 5).Bits(0x60000000, 32).Bits(0x900000000000, 48).Bits(93, 8);
        bits.Bits(0, 1).Bits(1, 1).Bits(0, 14).Bits(90, 8); // sub-layer 0: level only
        bits.Ue(0).Ue(1).Ue(640).Ue(360).Bits(1, 1).Ue(0).Ue(4).Ue(0).Ue(2); // 4:2:0, 632x356 after the window
        bits.Ue(0).Ue(0).Ue(4); // 8 bit, 8-bit POC lsb
        bits.Bits(1, 1).Ue(4).Ue(2).Ue(0).Ue(4).Ue(2).Ue(0); // ordering info for both sub-layers
        bits.Ue(0).Ue(3).Ue(0).Ue(3).Ue(1).Ue(1);
        bits.Bits(1, 1).Bits(1, 1); // scaling_list_data():
        for (var sizeId = 0; sizeId < 4; sizeId++)
        {
            for (var matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1)
            {
                if (sizeId == 2 && matrixId == 0)
                {
                    bits.Bits(1, 1).Se(8);
                    for (var i = 0; i < 64; i++)
                    {
                        bits.Se(i % 2 == 0 ? 1 : -1);
                    }
                }
                else
                {
                    bits.Bits(0, 1).Ue(0);
                }
            }
        }

        bits.Bits(1, 1).Bits(1, 1).Bits(1, 1).Bits(7, 4).Bits(7, 4).Ue(0).Ue(1).Bits(0, 1); // amp, sao, pcm
        bits.Ue(4); // four short-term reference picture sets:
        bits.Ue(2).Ue(1).Ue(0).Bits(1, 1).Ue(1).Bits(1, 1).Ue(1).Bits(1, 1); // 0: {-1, -3 | +2}
        bits.Bits(1, 1).Bits(1, 1).Ue(0).Bits(1, 1).Bits(0, 1).Bits(1, 1).Bits(1, 1).Bits(0, 1).Bits(0, 1); // 1: from 0, −1: {-2, -4 | +1}
        bits.Bits(1, 1).Bits(0, 1).Ue(1).Bits(0b1111, 4); // 2: from 1, +2: {-2 | +2, +3} (the 0 delta drops out)
        bits.Bits(1, 1).Bits(1, 1).Ue(0).Bits(0b1111, 4); // 3: from 2, −1: four flags only if set 2 has three pictures
        bits.Bits(1, 1).Ue(2).Bits(5, 8).Bits(1, 1).Bits(200, 8).Bits(0, 1); // two long-term pictures
        bits.Bits(1, 1).Bits(1, 1); // temporal MVP, strong intra smoothing
        bits.Bits(1, 1); // vui_parameters():
        bits.Bits(1, 1).Bits(255, 8).Bits(4, 16).Bits(3, 16).Bits(1, 1).Bits(0, 1);
        bits.Bits(1, 1).Bits(5, 3).Bits(0, 1).Bits(1, 1).Bits(0x010101, 24).Bits(1, 1).Ue(0).Ue(0);
        bits.Bits(0, 3).Bits(1, 1).Ue(0).Ue(0).Ue(0).Ue(0);
        bits.Bits(1, 1).Bits(1001, 32).Bits(60000, 32).Bits(1, 1).Ue(1).Bits(1, 1); // timing, HRD:
        bits.Bits(1, 1).Bits(1, 1).Bits(1, 1).Bits(10, 8).Bits(3, 5).Bits(0, 1).Bits(4, 5).Bits(0, 4).Bits(2, 4).Bits(1, 4).Bits(23, 5).Bits(23, 5).Bits(4, 5);
        bits.Bits(0, 1).Bits(1, 1).Ue(0).Ue(1); // sub-layer 0: fixed within CVS, two CPBs
        for (var i = 0; i < 4; i++)
        {
            bits.Ue(100).Ue(200).Ue(50).Ue(60).Bits(0, 1);
        }

        bits.Bits(1, 1).Ue(1).Ue(0); // sub-layer 1: fixed in general, one CPB
        for (var i = 0; i < 2; i++)
        {
            bits.Ue(100).Ue(200).Ue(50).Ue(60).Bits(1, 1);
        }

        bits.Bits(1, 1).Bits(0, 1).Bits(1, 1).Bits(1, 1).Ue(123).Ue(2).Ue(1).Ue(15).Ue(15); // bitstream restriction
        bits.Bits(0, 1); // sps_extension_present_flag
        var nalUnit = bits.ToNalUnit();
        var vps = TwoSubLayerVps();
        var file = Path.Combine(_directory, "built.h265");
        File.WriteAllBytes(file, [0, 0, 0, 1, .. vps, 0, 0, 0, 1, .. nalUnit]);
        var expected = FfmpegTraceHeaders.FirstStructure(file, "Sequence Parameter Set", "hevc");

        var sps = H265SequenceParameterSet.Parse(nalUnit);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(expected["min_spatial_segmentation_idc"], Is.EqualTo(123), "the oracle read the whole SPS");
            Assert.That(sps.MinSpatialSegmentationIdc, Is.EqualTo(expected["min_spatial_segmentation_idc"]));
            Assert.That(sps.NumUnitsInTick, Is.EqualTo(expected["vui_num_units_in_tick"]));
            Assert.That(sps.TimeScale, Is.EqualTo(expected["vui_time_scale"]));
            Assert.That(sps.FrameRate, Is.EqualTo(60000 / 1001.0).Within(1e-9));
            Assert.That(sps.MaxNumReorderPics, Is.EqualTo(expected["sps_max_num_reorder_pics[1]"]));
            Assert.That((sps.Width, sps.Height), Is.EqualTo((632, 356)));
        }
    }

    [Test]
    public void Frame_rate_comes_from_vui_timing()
    {
        var file = Path.Combine(_directory, "rate.h265");
        FfmpegTool.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30000/1001", "-frames:v", "1", "-c:v", "libx265", "-x265-params", "log-level=error", file);
        var spsBytes = FfmpegElementaryStream.NalUnits(File.ReadAllBytes(file)).First(n => ((n[0] >> 1) & 0x3F) == 33);

        var sps = H265SequenceParameterSet.Parse(spsBytes);

        Assert.That(sps.FrameRate, Is.EqualTo(30000 / 1001.0).Within(1e-9));
    }

    [Test]
    public void Truncated_sps_names_the_field_it_was_reading()
    {
        // The first 12 bytes of the SPS of:
        // ffmpeg -f lavfi -i testsrc2=size=854x480:rate=25 -frames:v 1 -c:v libx265 -x265-params log-level=error out.h265
        byte[] truncated = [0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00];

        var error = Assert.Throws<InvalidDataException>(() => H265SequenceParameterSet.Parse(truncated));

        Assert.That(error!.Message, Does.Match(@"^SPS ends after \d+ bits while reading general_\w+"));
    }

    private byte[] TwoSubLayerVps()
    {
        var file = Path.Combine(_directory, "layers.h265");
        FfmpegTool.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "1", "-c:v", "libx265", "-x265-params", "log-level=error:temporal-layers=1", file);
        return FfmpegElementaryStream.NalUnits(File.ReadAllBytes(file)).First(n => ((n[0] >> 1) & 0x3F) == 32);
    }

    private static string BitsBetween(IReadOnlyList<(string Name, string Bits, long Value)> fields, string first, string last)
    {
        var start = fields.ToList().FindIndex(f => f.Name == first);
        var end = fields.ToList().FindIndex(f => f.Name == last);
        Assert.That(start, Is.GreaterThanOrEqualTo(0).And.LessThanOrEqualTo(end), $"ffmpeg's trace lacks {first}..{last}");
        return string.Concat(fields.Skip(start).Take(end - start + 1).Select(f => f.Bits));
    }
}
