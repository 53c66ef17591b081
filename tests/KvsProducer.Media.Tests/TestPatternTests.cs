namespace KvsProducer.Media.Tests;

/// <summary>The test pattern goes through the encode path: its H.264 must be valid and keyed where asked.</summary>
public sealed class TestPatternTests
{
    private static readonly MediaSourceOptions OneSecondKeyFrames = new()
    {
        Encoder = H264Encoder.Libx264,
        KeyFrameInterval = TimeSpan.FromSeconds(1),
    };

    [Test]
    public async Task Key_frames_fall_exactly_on_the_requested_interval()
    {
        using MediaSource source = MediaSource.Open("testsrc:?size=320x240&rate=25", OneSecondKeyFrames);

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 75);

        int[] keyFrames = frames.Select((f, i) => (f, i)).Where(x => x.f.IsKeyFrame).Select(x => x.i).ToArray();
        Assert.That(keyFrames, Is.EqualTo(new[] { 0, 25, 50 }));
    }

    [Test]
    public async Task Encoded_stream_decodes_without_errors_with_every_frame_and_key_frame()
    {
        using MediaSource source = MediaSource.Open("testsrc:?size=320x240&rate=25", OneSecondKeyFrames);
        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 60);
        string path = Path.Combine(Path.GetTempPath(), $"kvsmedia-testsrc-{Guid.NewGuid():N}.h264");
        try
        {
            await File.WriteAllBytesAsync(path, frames.SelectMany(f => f.Data).ToArray());

            (int decoded, int keyFrames, string errors) = Ffprobe.Decode(path);

            Assert.Multiple(() =>
            {
                Assert.That(errors, Is.Empty);
                Assert.That(decoded, Is.EqualTo(60));
                Assert.That(keyFrames, Is.EqualTo(3));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task Every_key_frame_carries_its_parameter_sets_in_band()
    {
        using MediaSource source = MediaSource.Open("testsrc:?size=320x240&rate=25", OneSecondKeyFrames);

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 30);

        Assert.That(frames.Where(f => f.IsKeyFrame).Select(f => NalBytes.AnnexBTypes(f.Data)),
            Has.All.Contains(7).And.All.Contains(8).And.All.Contains(5));
    }

    [Test]
    public void Track_declares_h264_annex_b_with_sps_and_pps_as_codec_private_data()
    {
        using MediaSource source = MediaSource.Open("testsrc:?size=320x240&rate=25", OneSecondKeyFrames);

        List<int> types = NalBytes.AnnexBTypes(source.Track.CodecPrivateData.Span);

        Assert.Multiple(() =>
        {
            Assert.That(source.Track.Codec, Is.EqualTo(VideoCodec.H264));
            Assert.That(source.Track.NalUnitFormat, Is.EqualTo(NalUnitFormat.AnnexB));
            Assert.That((source.Track.Width, source.Track.Height), Is.EqualTo((320, 240)));
            Assert.That(types, Is.EqualTo(new[] { 7, 8 }));
        });
    }

    [Test]
    public async Task Frames_are_timed_by_the_pattern_rate_from_zero_without_b_frames()
    {
        using MediaSource source = MediaSource.Open("testsrc:?size=320x240&rate=25", OneSecondKeyFrames);

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 10);

        Assert.That(frames.Select(f => (f.DecodingTime, f.PresentationTime, f.Duration)),
            Is.EqualTo(Enumerable.Range(0, 10).Select(i => (TimeSpan.FromMilliseconds(40 * i), TimeSpan.FromMilliseconds(40 * i), TimeSpan.FromMilliseconds(40)))));
    }

    [Test]
    public async Task Pacing_delivers_frames_no_faster_than_their_timestamps()
    {
        using MediaSource source = MediaSource.Open("testsrc:?size=160x120&rate=25", OneSecondKeyFrames with { PaceToRealTime = true });
        long start = TimeProvider.System.GetTimestamp();

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 13);

        // 13 frames span 12 intervals of 40 ms: at least 480 ms of real time.
        Assert.That(TimeProvider.System.GetElapsedTime(start), Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(470)));
    }

    [Test]
    public void Auto_encoder_falls_back_to_libx264_where_there_is_no_hardware_encoder()
    {
        Assume.That(Directory.GetFiles("/dev", "video*"), Is.Empty, "this machine has V4L2 devices: h264_v4l2m2m may open");

        using MediaSource source = MediaSource.Open("testsrc:?size=160x120&rate=10", new MediaSourceOptions { Encoder = H264Encoder.Auto });

        Assert.That(source.EncoderName, Is.EqualTo("libx264"));
    }

    [Test]
    public void Hardware_encoder_asked_for_where_there_is_none_is_an_unsupported_format_error()
    {
        Assume.That(Directory.GetFiles("/dev", "video*"), Is.Empty, "this machine has V4L2 devices: h264_v4l2m2m may open");

        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("testsrc:?size=160x120&rate=10", new MediaSourceOptions { Encoder = H264Encoder.V4l2m2m }));

        Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.UnsupportedFormat));
    }
}
