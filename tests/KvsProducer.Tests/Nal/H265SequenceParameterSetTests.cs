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
            Assert.That(sps.Width.ToString(CultureInfo.InvariantCulture), Is.EqualTo(FfmpegTool.StreamEntry(file, "width")));
            Assert.That(sps.Height.ToString(CultureInfo.InvariantCulture), Is.EqualTo(FfmpegTool.StreamEntry(file, "height")));
        }
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

    private static string BitsBetween(IReadOnlyList<(string Name, string Bits, long Value)> fields, string first, string last)
    {
        var start = fields.ToList().FindIndex(f => f.Name == first);
        var end = fields.ToList().FindIndex(f => f.Name == last);
        Assert.That(start, Is.GreaterThanOrEqualTo(0).And.LessThanOrEqualTo(end), $"ffmpeg's trace lacks {first}..{last}");
        return string.Concat(fields.Skip(start).Take(end - start + 1).Select(f => f.Bits));
    }
}
