namespace KvsProducer.Media.Tests;

/// <summary>Recorded clips (tests/data/media) read in passthrough, checked against ffprobe.</summary>
public sealed class RecordedClipTests
{
    private static readonly object[] Clips =
    [
        new object[] { "clip.mp4", NalUnitFormat.LengthPrefixed },
        new object[] { "clip.mkv", NalUnitFormat.LengthPrefixed },
        new object[] { "clip.ts", NalUnitFormat.AnnexB },
        new object[] { "clip.h264", NalUnitFormat.AnnexB },
        new object[] { "clip-h265.mkv", NalUnitFormat.LengthPrefixed },
    ];

    [TestCaseSource(nameof(Clips))]
    public async Task Clip_yields_every_packet_ffprobe_lists_unchanged_in_size_and_key_flag(string clip, NalUnitFormat format)
    {
        IReadOnlyList<Ffprobe.Packet> expected = Ffprobe.Packets(TestData.Clip(clip));
        using MediaSource source = MediaSource.Open("file:" + TestData.Clip(clip));

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source);

        Assert.That(frames.Select(f => (f.Data.Length, f.IsKeyFrame)), Is.EqualTo(expected.Select(p => (p.Size, p.Key))));
    }

    [TestCaseSource(nameof(Clips))]
    public async Task Clip_timestamps_are_ffprobes_shifted_so_the_first_decoding_time_is_zero(string clip, NalUnitFormat format)
    {
        IReadOnlyList<Ffprobe.Packet> expected = Ffprobe.Packets(TestData.Clip(clip));
        using MediaSource source = MediaSource.Open("file:" + TestData.Clip(clip));

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source);

        // A raw .h264 stream has no times at all: frames then follow each other by their duration.
        long origin = expected[0].Dts ?? expected[0].Pts ?? 0;
        var expectedTimes = expected.Select((p, i) => (
            Pts: p.Pts is long pts ? pts - origin : i * p.Duration,
            Dts: p.Dts is long dts ? dts - origin : i * p.Duration,
            p.Duration)).ToList();
        Assert.That(frames.Select(f => (f.PresentationTime.Ticks, f.DecodingTime.Ticks, f.Duration.Ticks)), Is.EqualTo(expectedTimes));
    }

    [TestCaseSource(nameof(Clips))]
    public async Task Clip_frames_are_delimited_as_the_track_declares(string clip, NalUnitFormat format)
    {
        using MediaSource source = MediaSource.Open("file:" + TestData.Clip(clip));

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source);

        Assert.Multiple(() =>
        {
            Assert.That(source.Track.NalUnitFormat, Is.EqualTo(format));
            Assert.That(frames.All(f => format == NalUnitFormat.LengthPrefixed ? NalBytes.IsLengthPrefixedChain(f.Data) : NalBytes.StartsWithStartCode(f.Data)), Is.True);
            Assert.That(source.EncoderName, Is.Null, "H.264 must pass through, never be re-encoded");
        });
    }

    [TestCase("clip.mp4")]
    [TestCase("clip.mkv")]
    public void Mp4_and_mkv_codec_private_data_is_the_avc_decoder_configuration_record(string clip)
    {
        using MediaSource source = MediaSource.Open("file:" + TestData.Clip(clip));

        byte[] record = source.Track.CodecPrivateData.ToArray();

        // ISO 14496-15 §5.3.3.1: configurationVersion 1, then profile, compatibility, level of the SPS.
        Assert.Multiple(() =>
        {
            Assert.That(record.Length, Is.GreaterThan(7));
            Assert.That(record[0], Is.EqualTo(1));
            Assert.That(source.Track.Codec, Is.EqualTo(VideoCodec.H264));
            Assert.That((source.Track.Width, source.Track.Height), Is.EqualTo((320, 240)));
        });
    }

    [Test]
    public void H265_clip_passes_through_as_h265_with_its_hevc_decoder_configuration_record()
    {
        using MediaSource source = MediaSource.Open("file:" + TestData.Clip("clip-h265.mkv"));

        byte[] record = source.Track.CodecPrivateData.ToArray();

        // ISO 14496-15 §8.3.3.1: HEVCDecoderConfigurationRecord, configurationVersion 1, 23 bytes before the arrays.
        Assert.Multiple(() =>
        {
            Assert.That(source.Track.Codec, Is.EqualTo(VideoCodec.H265));
            Assert.That(source.EncoderName, Is.Null);
            Assert.That(record.Length, Is.GreaterThan(23));
            Assert.That(record[0], Is.EqualTo(1));
        });
    }

    [Test]
    public void Ts_codec_private_data_is_annex_b_parameter_sets_or_empty()
    {
        using MediaSource source = MediaSource.Open("file:" + TestData.Clip("clip.ts"));

        byte[] data = source.Track.CodecPrivateData.ToArray();

        Assert.That(data.Length == 0 || NalBytes.StartsWithStartCode(data), Is.True, $"codec private data starts {Convert.ToHexString(data.AsSpan(0, Math.Min(8, data.Length)))}");
    }

    [Test]
    public async Task Mjpeg_clip_is_encoded_to_h264_with_one_frame_per_picture()
    {
        string path = TestData.Clip("clip-mjpeg.mkv");
        int pictures = Ffprobe.Packets(path).Count;
        using MediaSource source = MediaSource.Open("file:" + path, new MediaSourceOptions { Encoder = H264Encoder.Libx264, KeyFrameInterval = TimeSpan.FromSeconds(1) });

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source);

        Assert.Multiple(() =>
        {
            Assert.That(source.EncoderName, Is.EqualTo("libx264"));
            Assert.That(source.Track.NalUnitFormat, Is.EqualTo(NalUnitFormat.AnnexB));
            Assert.That(frames, Has.Count.EqualTo(pictures));
            Assert.That(frames.Select((f, i) => (i, f.IsKeyFrame)).Where(x => x.IsKeyFrame).Select(x => x.i), Is.EqualTo(new[] { 0, 10 }));
        });
    }
}
