using KvsProducer.Nal;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Nal;

/// <summary>
/// Our SPS parser against ffmpeg: each case encodes a few frames with x264 (through ffmpeg), parses
/// the stream's first SPS, and compares every field with what ffmpeg's trace_headers reads and the
/// picture size with what ffprobe reports.
/// </summary>
public class H264SequenceParameterSetTests
{
    private string _directory = string.Empty;

    public static IEnumerable<TestCaseData> Encodings()
    {
        yield return new TestCaseData("640x480", new[] { "-profile:v", "baseline" }).SetName("Baseline_640x480_matches_ffmpeg");
        yield return new TestCaseData("1280x720", new[] { "-profile:v", "main" }).SetName("Main_1280x720_matches_ffmpeg");
        yield return new TestCaseData("854x480", new[] { "-profile:v", "high" }).SetName("High_854x480_with_right_cropping_matches_ffmpeg");
        yield return new TestCaseData("1366x768", new[] { "-profile:v", "high", "-r", "30000/1001" }).SetName("High_1366x768_at_29_97_matches_ffmpeg");
        yield return new TestCaseData("853x479", new[] { "-pix_fmt", "yuv444p", "-profile:v", "high444" }).SetName("High_444_odd_size_crops_in_luma_units");
        yield return new TestCaseData("854x478", new[] { "-pix_fmt", "yuv422p", "-profile:v", "high422" }).SetName("High_422_crops_rows_in_luma_units");
        yield return new TestCaseData("640x480", new[] { "-pix_fmt", "yuv420p10le", "-profile:v", "high10" }).SetName("High_10_reads_bit_depths");
        yield return new TestCaseData("720x572", new[] { "-flags", "+ildct+ilme" }).SetName("Interlaced_crops_in_field_pair_units");
    }

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = FfmpegTool.CreateTemporaryDirectory();

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestCaseSource(nameof(Encodings))]
    public void Parsed_fields_equal_ffmpeg_trace(string size, string[] encoderOptions)
    {
        var file = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".h264");
        // e.g. ffmpeg -f lavfi -i testsrc2=size=854x480:rate=25 -frames:v 4 -c:v libx264 -bf 2 -profile:v high out.h264
        FfmpegTool.Ffmpeg(["-f", "lavfi", "-i", $"testsrc2=size={size}:rate=25", "-frames:v", "4", "-c:v", "libx264", "-bf", "2", .. encoderOptions, file]);
        var spsBytes = FfmpegElementaryStream.NalUnits(File.ReadAllBytes(file)).First(n => (n[0] & 0x1F) == 7);
        var expected = FfmpegTraceHeaders.FirstStructure(file, "Sequence Parameter Set");

        var sps = H264SequenceParameterSet.Parse(spsBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sps.ProfileIdc, Is.EqualTo(expected["profile_idc"]));
            Assert.That(sps.ConstraintFlags, Is.EqualTo(ConstraintByte(expected)));
            Assert.That(sps.LevelIdc, Is.EqualTo(expected["level_idc"]));
            Assert.That(sps.SeqParameterSetId, Is.EqualTo(expected["seq_parameter_set_id"]));
            Assert.That(sps.ChromaFormatIdc, Is.EqualTo(expected.GetValueOrDefault("chroma_format_idc", 1)));
            Assert.That(sps.SeparateColourPlane, Is.EqualTo(expected.GetValueOrDefault("separate_colour_plane_flag") == 1));
            Assert.That(sps.BitDepthLuma, Is.EqualTo(8 + expected.GetValueOrDefault("bit_depth_luma_minus8")));
            Assert.That(sps.BitDepthChroma, Is.EqualTo(8 + expected.GetValueOrDefault("bit_depth_chroma_minus8")));
            Assert.That(sps.Log2MaxFrameNum, Is.EqualTo(4 + expected["log2_max_frame_num_minus4"]));
            Assert.That(sps.PicOrderCntType, Is.EqualTo(expected["pic_order_cnt_type"]));
            if (sps.PicOrderCntType == 0)
            {
                Assert.That(sps.Log2MaxPicOrderCntLsb, Is.EqualTo(4 + expected["log2_max_pic_order_cnt_lsb_minus4"]));
            }

            Assert.That(sps.FrameMbsOnly, Is.EqualTo(expected["frame_mbs_only_flag"] == 1));
            Assert.That(sps.MaxNumReorderFrames, Is.EqualTo(expected.TryGetValue("max_num_reorder_frames", out var reorder) ? reorder : null));
            Assert.That(sps.NumUnitsInTick, Is.EqualTo(expected.GetValueOrDefault("num_units_in_tick")));
            Assert.That(sps.TimeScale, Is.EqualTo(expected.GetValueOrDefault("time_scale")));
            Assert.That(sps.Width.ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(FfmpegTool.StreamEntry(file, "width")));
            Assert.That(sps.Height.ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(FfmpegTool.StreamEntry(file, "height")));
        }
    }

    [Test]
    public void Scaling_lists_in_the_sps_are_skipped_to_the_fields_after_them()
    {
        // No encoder here puts scaling lists in the SPS (x264 puts its CQM in the PPS), so the SPS is
        // built bit by bit: High 4:2:0 with list 0 (4x4, ends early by a delta that makes nextScale 0),
        // list 2 (4x4, 16 deltas) and list 6 (8x8, 64 deltas) present, then pic_order_cnt_type 1.
        // ffmpeg's trace_headers then reads the same bytes as the oracle.
        var bits = new RbspBitWriter();
        bits.Bits(0x67, 8).Bits(100, 8).Bits(0, 8).Bits(31, 8).Ue(0);
        bits.Ue(1).Ue(0).Ue(0).Bits(0, 1).Bits(1, 1); // 4:2:0, 8 bit, no bypass, seq_scaling_matrix_present_flag
        bits.Bits(1, 1).Se(5).Se(-3).Se(-10); // list 0: 8→13→10→0: nextScale 0 stops the list
        bits.Bits(0, 1); // list 1 absent
        bits.Bits(1, 1);
        for (var j = 0; j < 16; j++)
        {
            bits.Se(j % 2 == 0 ? 1 : 2);
        }

        bits.Bits(0, 1).Bits(0, 1).Bits(0, 1); // lists 3-5 absent
        bits.Bits(1, 1);
        for (var j = 0; j < 64; j++)
        {
            bits.Se(j % 2 == 0 ? -100 : 100); // 8 → 164 → 8 ...: never 0, so all 64 are coded
        }

        bits.Bits(0, 1); // list 7 absent
        bits.Ue(0).Ue(1); // log2_max_frame_num_minus4, pic_order_cnt_type 1:
        // offset_for_non_ref_pic −2^30 is a 63-bit code whose 31 leading zeros force a 00 00 03 escape.
        bits.Bits(0, 1).Se(-(1L << 30)).Se(3).Ue(2).Se(1).Se(-1);
        bits.Ue(1).Bits(0, 1).Ue(79).Ue(44).Bits(1, 1).Bits(1, 1); // 1280x720 frames
        bits.Bits(1, 1).Ue(0).Ue(4).Ue(0).Ue(6); // crop right 8, bottom 12 pixels
        bits.Bits(0, 1); // no VUI
        var nalUnit = bits.ToNalUnit();
        var file = Path.Combine(_directory, "scaling.h264");
        File.WriteAllBytes(file, [0, 0, 0, 1, .. nalUnit]);
        var expected = FfmpegTraceHeaders.FirstStructure(file, "Sequence Parameter Set", "h264");

        var sps = H264SequenceParameterSet.Parse(nalUnit);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(expected["seq_scaling_list_present_flag[6]"], Is.EqualTo(1), "the oracle read list 6");
            Assert.That(nalUnit.AsSpan().IndexOf((ReadOnlySpan<byte>)[0, 0, 3]), Is.GreaterThan(0), "the SPS holds an emulation-prevention byte");
            Assert.That(expected["offset_for_non_ref_pic"], Is.EqualTo(-(1L << 30)), "the oracle read the long code");
            Assert.That(sps.PicOrderCntType, Is.EqualTo(expected["pic_order_cnt_type"]));
            Assert.That(sps.Width, Is.EqualTo((expected["pic_width_in_mbs_minus1"] + 1) * 16 - (2 * expected["frame_crop_right_offset"])));
            Assert.That(sps.Height, Is.EqualTo((expected["pic_height_in_map_units_minus1"] + 1) * 16 - (2 * expected["frame_crop_bottom_offset"])));
            Assert.That((sps.Width, sps.Height), Is.EqualTo((1272, 708)));
        }
    }

    [Test]
    public void Frame_rate_comes_from_vui_timing_in_field_ticks()
    {
        var file = Path.Combine(_directory, "rate.h264");
        FfmpegTool.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30000/1001", "-frames:v", "1", "-c:v", "libx264", file);
        var spsBytes = FfmpegElementaryStream.NalUnits(File.ReadAllBytes(file)).First(n => (n[0] & 0x1F) == 7);

        var sps = H264SequenceParameterSet.Parse(spsBytes);

        Assert.That(sps.FrameRate, Is.EqualTo(30000 / 1001.0).Within(1e-9));
    }

    [Test]
    public void Truncated_sps_names_the_field_it_was_reading()
    {
        // SPS of: ffmpeg -f lavfi -i testsrc2=size=854x480:rate=25 -frames:v 1 -c:v libx264 -profile:v high out.h264
        // (its first 8 bytes: header, profile 100, constraints 0, level 30, then the ue(v) fields).
        byte[] truncated = [0x67, 0x64, 0x00, 0x1E, 0xAC, 0xD9, 0x40, 0xD8];

        var error = Assert.Throws<InvalidDataException>(() => H264SequenceParameterSet.Parse(truncated));

        Assert.That(error!.Message, Does.Match(@"^SPS ends after \d+ bits while reading \w+"));
    }

    [Test]
    public void A_pps_is_refused_as_an_sps()
    {
        var error = Assert.Throws<InvalidDataException>(() => H264SequenceParameterSet.Parse([0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0]));

        Assert.That(error!.Message, Does.Contain("NAL unit type 8 is not an H.264 SPS"));
    }

    private static long ConstraintByte(IReadOnlyDictionary<string, long> fields)
    {
        long value = 0;
        for (var i = 0; i < 6; i++)
        {
            value |= fields[$"constraint_set{i}_flag"] << (7 - i);
        }

        return value | fields["reserved_zero_2bits"];
    }
}
