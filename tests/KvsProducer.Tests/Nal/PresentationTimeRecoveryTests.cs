using KvsProducer.Nal;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Nal;

/// <summary>
/// Presentation times recovered from a raw stream must order the frames as the encoder did. Each case
/// encodes with B-frames into an .mp4 (whose packets carry the encoder's PTS; time scale 25 so one
/// tick is one frame), strips it to Annex-B with ffmpeg's mp4toannexb filter (no timestamps left),
/// feeds the access units to the recovery at 25 fps, and compares PTS − first PTS, in frames, with
/// ffprobe's packet PTS of the .mp4.
/// </summary>
public class PresentationTimeRecoveryTests
{
    private static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(40);
    private string _directory = string.Empty;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = FfmpegTool.CreateTemporaryDirectory();

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestCase(40, "-bf", "3", "-g", "12", "-x264-params", "scenecut=0", TestName = "H264_b_pyramid_with_short_gops_matches_the_encoder_order")]
    [TestCase(60, "-bf", "2", "-g", "60", "-x264-params", "scenecut=0:b-pyramid=none", TestName = "H264_long_gop_wrapping_pic_order_cnt_lsb_matches_the_encoder_order")]
    [TestCase(30, "-bf", "3", "-g", "15", "-slices", "4", TestName = "H264_pictures_of_several_slices_match_the_encoder_order")]
    [TestCase(30, "-bf", "2", "-g", "12", "-flags", "+ildct+ilme", TestName = "H264_interlaced_mbaff_frames_match_the_encoder_order")]
    [TestCase(20, "-bf", "0", "-profile:v", "baseline", TestName = "H264_without_b_frames_presents_in_decoding_order")]
    public void H264_presentation_order_matches_ffmpeg(int frames, params string[] encoder)
    {
        var (expected, recovered) = EncodeAndRecover(VideoCodec.H264, frames, ["-c:v", "libx264", .. encoder]);

        Assert.That(recovered, Is.EqualTo(expected));
    }

    [TestCase(40, "log-level=error:keyint=12:min-keyint=12:bframes=3:scenecut=0", TestName = "H265_open_gop_with_cra_matches_the_encoder_order")]
    [TestCase(40, "log-level=error:keyint=12:min-keyint=12:bframes=3:scenecut=0:open-gop=0", TestName = "H265_closed_gop_with_idr_matches_the_encoder_order")]
    [TestCase(30, "log-level=error:keyint=12:bframes=3:slices=3", TestName = "H265_pictures_of_several_slices_match_the_encoder_order")]
    [TestCase(80, "log-level=error:keyint=80:bframes=2:scenecut=0:b-pyramid=0:log2-max-poc-lsb=4", TestName = "H265_wrapping_pic_order_cnt_lsb_matches_the_encoder_order")]
    public void H265_presentation_order_matches_ffmpeg(int frames, string x265Parameters)
    {
        var (expected, recovered) = EncodeAndRecover(VideoCodec.H265, frames, ["-c:v", "libx265", "-x265-params", x265Parameters]);

        Assert.That(recovered, Is.EqualTo(expected));
    }

    [Test]
    public void Presentation_time_is_never_before_decoding_time()
    {
        var accessUnits = AccessUnitsOf(VideoCodec.H264, 30, ["-c:v", "libx264", "-bf", "3", "-g", "10"]).AccessUnits;
        var recovery = new PresentationTimeRecovery(VideoCodec.H264);

        var early = accessUnits.Select((au, i) => (Dts: FrameDuration * i, Pts: recovery.NextAccessUnit(au, FrameDuration * i, FrameDuration)))
            .Where(t => t.Pts < t.Dts)
            .ToList();

        Assert.That(early, Is.Empty);
    }

    [Test]
    public void First_presentation_time_of_a_gop_follows_every_earlier_one()
    {
        var (path, accessUnits) = AccessUnitsOf(VideoCodec.H264, 36, ["-c:v", "libx264", "-bf", "3", "-g", "12", "-x264-params", "scenecut=0"]);
        var recovery = new PresentationTimeRecovery(VideoCodec.H264);
        var maxSoFar = TimeSpan.MinValue;
        var violations = new List<int>();

        for (var i = 0; i < accessUnits.Count; i++)
        {
            var pts = recovery.NextAccessUnit(accessUnits[i], FrameDuration * i, FrameDuration);
            var isIdr = accessUnits[i].Any(n => (n.Span[0] & 0x1F) == 5);
            if (isIdr && pts <= maxSoFar)
            {
                violations.Add(i);
            }

            maxSoFar = pts > maxSoFar ? pts : maxSoFar;
        }

        Assert.That(violations, Is.Empty, $"IDR access units of {path} shown before earlier frames");
    }

    [Test]
    public void Reorder_delay_without_vui_falls_back_to_the_levels_dpb_size()
    {
        // x264 always writes bitstream_restriction; the inference of H.264 §E.2.1 applies without it:
        // level 3.0 (MaxDpbMbs 8100) at 320x240 (300 macroblocks) gives min(27, 16) = 16 frames.
        var sps = new H264SequenceParameterSet { ProfileIdc = 100, LevelIdc = 30, PicWidthInMbs = 20, FrameHeightInMbs = 15 };

        Assert.That(sps.EffectiveMaxNumReorderFrames, Is.EqualTo(16));
    }

    private (IReadOnlyList<long> Expected, IReadOnlyList<long> Recovered) EncodeAndRecover(VideoCodec codec, int frames, string[] encoder)
    {
        var (mp4, accessUnits) = AccessUnitsOf(codec, frames, encoder);
        var ffmpegPts = FfmpegTool.PacketPresentationTimestamps(mp4);
        var recovery = new PresentationTimeRecovery(codec);
        var recovered = accessUnits.Select((au, i) => recovery.NextAccessUnit(au, FrameDuration * i, FrameDuration)).ToList();
        Assert.That(accessUnits, Has.Count.EqualTo(ffmpegPts.Count), "access units split from the Annex-B stream vs packets in the .mp4");
        return ([.. ffmpegPts.Select(p => p - ffmpegPts[0])], [.. recovered.Select(p => (p - recovered[0]).Ticks / FrameDuration.Ticks)]);
    }

    private (string Mp4, IReadOnlyList<List<ReadOnlyMemory<byte>>> AccessUnits) AccessUnitsOf(VideoCodec codec, int frames, string[] encoder)
    {
        var name = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        var elementary = name + (codec == VideoCodec.H265 ? ".h265" : ".h264");
        // ffmpeg -f lavfi -i testsrc2=size=320x240:rate=25 -frames:v N ENCODER -video_track_timescale 25 out.mp4
        // ffmpeg -i out.mp4 -c copy -bsf:v h264_mp4toannexb|hevc_mp4toannexb out.h264|.h265
        FfmpegTool.Ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture), .. encoder, "-video_track_timescale", "25", name + ".mp4"]);
        FfmpegTool.Ffmpeg("-i", name + ".mp4", "-c", "copy", "-bsf:v", codec == VideoCodec.H265 ? "hevc_mp4toannexb" : "h264_mp4toannexb", elementary);
        var accessUnits = FfmpegElementaryStream.AccessUnits(codec, FfmpegElementaryStream.NalUnits(File.ReadAllBytes(elementary)))
            .Select(au => au.Select(n => new ReadOnlyMemory<byte>(n)).ToList())
            .ToList();
        return (name + ".mp4", accessUnits);
    }
}
