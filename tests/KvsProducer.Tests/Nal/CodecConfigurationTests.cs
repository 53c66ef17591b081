using System.Buffers.Binary;
using System.Globalization;
using KvsProducer.Nal;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Nal;

/// <summary>
/// The codec private data we build must be what ffmpeg's Matroska muxer writes for the same stream.
/// Each case encodes straight into an .mkv (ffmpeg builds the CodecPrivate from the encoder's
/// parameter sets), reads that CodecPrivate with ffprobe, converts the .mkv back to Annex-B with
/// ffmpeg's mp4toannexb filter, and builds our record from the first access unit's parameter sets.
/// </summary>
public class CodecConfigurationTests
{
    private string _directory = string.Empty;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = FfmpegTool.CreateTemporaryDirectory();

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestCase("640x480", "baseline", TestName = "Avc_record_equals_ffmpeg_codec_private_for_baseline")]
    [TestCase("1280x720", "main", TestName = "Avc_record_equals_ffmpeg_codec_private_for_main")]
    [TestCase("854x480", "high", TestName = "Avc_record_equals_ffmpeg_codec_private_for_high_with_its_extension")]
    public void Avc_record_equals_ffmpeg_codec_private(string size, string profile)
    {
        var (mkv, nalUnits) = Encode(VideoCodec.H264, size, ["-c:v", "libx264", "-bf", "2", "-profile:v", profile]);

        var configuration = CodecConfiguration.FromParameterSets(VideoCodec.H264, FirstAccessUnit(VideoCodec.H264, nalUnits));

        Assert.That(configuration.CodecPrivateData, Is.EqualTo(FfmpegTool.Extradata(mkv)));
    }

    [Test]
    public void Avc_record_for_high_444_omits_the_extension_that_only_four_high_profiles_carry()
    {
        // ISO/IEC 14496-15 §5.3.3.1.2 adds chroma_format/bit depths/SPS-ext only after profiles 100, 110,
        // 122 and 144; ffmpeg 5.1 also adds them after 244. Everything before them must be identical.
        var (mkv, nalUnits) = Encode(VideoCodec.H264, "640x480", ["-c:v", "libx264", "-pix_fmt", "yuv444p", "-profile:v", "high444"]);
        var ffmpegRecord = FfmpegTool.Extradata(mkv);

        var configuration = CodecConfiguration.FromParameterSets(VideoCodec.H264, FirstAccessUnit(VideoCodec.H264, nalUnits));

        Assert.That(ffmpegRecord[..^4], Is.EqualTo(configuration.CodecPrivateData));
    }

    [TestCase("854x480", "log-level=error", TestName = "Hevc_record_equals_ffmpeg_codec_private_without_its_sei_array")]
    [TestCase("640x480", "log-level=error:temporal-layers=1", TestName = "Hevc_record_counts_temporal_layers_as_ffmpeg_does")]
    public void Hevc_record_equals_ffmpeg_codec_private(string size, string x265Parameters)
    {
        var (mkv, nalUnits) = Encode(VideoCodec.H265, size, ["-c:v", "libx265", "-x265-params", x265Parameters]);

        var configuration = CodecConfiguration.FromParameterSets(VideoCodec.H265, FirstAccessUnit(VideoCodec.H265, nalUnits));

        // ffmpeg also stores x265's prefix SEI (its version banner) as a fourth array: decoders need
        // only VPS/SPS/PPS, and the KVS PIC writes those three alone (kvs-protocol.md §6.4).
        Assert.That(configuration.CodecPrivateData, Is.EqualTo(WithoutSeiArrays(FfmpegTool.Extradata(mkv))));
    }

    [Test]
    public void Record_supplied_by_the_application_is_kept_and_gives_the_picture_size()
    {
        var (mkv, _) = Encode(VideoCodec.H264, "854x480", ["-c:v", "libx264", "-profile:v", "high"]);
        var ffmpegRecord = FfmpegTool.Extradata(mkv);

        var configuration = CodecConfiguration.FromRecord(VideoCodec.H264, ffmpegRecord);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(configuration.CodecPrivateData, Is.EqualTo(ffmpegRecord));
            Assert.That(configuration.Width, Is.EqualTo(854));
            Assert.That(configuration.Height, Is.EqualTo(480));
            Assert.That(configuration.Description, Is.EqualTo("H.264 High@3.0 854x480"));
        }
    }

    [Test]
    public void Hevc_record_supplied_by_the_application_gives_the_picture_size()
    {
        var (mkv, _) = Encode(VideoCodec.H265, "854x480", ["-c:v", "libx265", "-x265-params", "log-level=error"]);

        var configuration = CodecConfiguration.FromRecord(VideoCodec.H265, FfmpegTool.Extradata(mkv));

        Assert.That(configuration.Description, Is.EqualTo("H.265 Main@L3 Main tier 854x480"));
    }

    [Test]
    public void Annex_b_bytes_given_as_a_record_are_refused_with_the_likely_cause()
    {
        byte[] annexB = [0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1E, 0xAC, 0xD9];

        var error = Assert.Throws<FrameRejectedException>(() => CodecConfiguration.FromRecord(VideoCodec.H264, annexB));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Reason, Is.EqualTo(FrameRejectionReason.InvalidParameterSet));
            Assert.That(error.Message, Does.Contain("configurationVersion 0").And.Contain("Annex-B"));
        }
    }

    [Test]
    public void Record_whose_sps_length_overruns_it_is_refused()
    {
        byte[] record = [0x01, 0x64, 0x00, 0x1E, 0xFF, 0xE1, 0x00, 0x40, 0x67, 0x64];

        var error = Assert.Throws<FrameRejectedException>(() => CodecConfiguration.FromRecord(VideoCodec.H264, record));

        Assert.That(error!.Message, Does.Contain("SPS 1 of 1 in the configuration record claims 64 bytes but 2 remain"));
    }

    [Test]
    public void Key_frame_without_pps_is_refused_naming_what_is_missing()
    {
        var (_, nalUnits) = Encode(VideoCodec.H264, "640x480", ["-c:v", "libx264"]);
        var withoutPps = FirstAccessUnit(VideoCodec.H264, nalUnits).Where(n => (n.Span[0] & 0x1F) != 8).ToList();

        var error = Assert.Throws<FrameRejectedException>(() => CodecConfiguration.FromParameterSets(VideoCodec.H264, withoutPps));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Reason, Is.EqualTo(FrameRejectionReason.MissingParameterSets));
            Assert.That(error.Message, Does.Contain("has no PPS").And.Contain("CodecPrivateData"));
        }
    }

    [Test]
    public void Hevc_key_frame_without_vps_is_refused_naming_the_vps()
    {
        var (_, nalUnits) = Encode(VideoCodec.H265, "640x480", ["-c:v", "libx265", "-x265-params", "log-level=error"]);
        var withoutVps = FirstAccessUnit(VideoCodec.H265, nalUnits).Where(n => ((n.Span[0] >> 1) & 0x3F) != 32).ToList();

        var error = Assert.Throws<FrameRejectedException>(() => CodecConfiguration.FromParameterSets(VideoCodec.H265, withoutVps));

        Assert.That(error!.Message, Does.Contain("has no VPS"));
    }

    [Test]
    public void Corrupt_sps_is_refused_as_an_invalid_parameter_set()
    {
        ReadOnlyMemory<byte>[] nalUnits = [new byte[] { 0x67, 0x64, 0x00 }, new byte[] { 0x68, 0xEB, 0xE3, 0xCB }];

        var error = Assert.Throws<FrameRejectedException>(() => CodecConfiguration.FromParameterSets(VideoCodec.H264, nalUnits));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Reason, Is.EqualTo(FrameRejectionReason.InvalidParameterSet));
            Assert.That(error.Message, Does.Contain("SPS ends after 24 bits while reading level_idc"));
        }
    }

    private static List<ReadOnlyMemory<byte>> FirstAccessUnit(VideoCodec codec, IReadOnlyList<byte[]> nalUnits) =>
        [.. FfmpegElementaryStream.AccessUnits(codec, nalUnits)[0].Select(n => new ReadOnlyMemory<byte>(n))];

    // Removes the SEI arrays (types 39, 40) of an HEVCDecoderConfigurationRecord and fixes numOfArrays.
    private static byte[] WithoutSeiArrays(byte[] record)
    {
        var kept = new List<byte>(record[..22]);
        var arrays = 0;
        var offset = 23;
        for (var i = 0; i < record[22]; i++)
        {
            var start = offset;
            var type = record[offset] & 0x3F;
            int count = BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(offset + 1));
            offset += 3;
            for (var n = 0; n < count; n++)
            {
                offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(offset));
            }

            if (type is not (39 or 40))
            {
                kept.AddRange(record[start..offset]);
                arrays++;
            }
        }

        kept.Insert(22, (byte)arrays);
        return [.. kept];
    }

    private (string Mkv, IReadOnlyList<byte[]> NalUnits) Encode(VideoCodec codec, string size, string[] encoder)
    {
        var name = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        var elementary = name + (codec == VideoCodec.H265 ? ".h265" : ".h264");
        // ffmpeg -f lavfi -i testsrc2=size=SIZE:rate=25 -frames:v 3 ENCODER out.mkv
        // ffmpeg -i out.mkv -c copy -bsf:v h264_mp4toannexb|hevc_mp4toannexb out.h264|.h265
        FfmpegTool.Ffmpeg(["-f", "lavfi", "-i", $"testsrc2=size={size}:rate=25", "-frames:v", "3", .. encoder, name + ".mkv"]);
        var filter = codec == VideoCodec.H265 ? "hevc_mp4toannexb" : "h264_mp4toannexb";
        FfmpegTool.Ffmpeg("-i", name + ".mkv", "-c", "copy", "-bsf:v", filter, elementary);
        return (name + ".mkv", FfmpegElementaryStream.NalUnits(File.ReadAllBytes(elementary)));
    }
}
