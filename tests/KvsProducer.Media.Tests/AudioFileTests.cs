namespace KvsProducer.Media.Tests;

/// <summary>
/// Audio from files (issue 12): AAC and G.711 passed through, other codecs encoded, both tracks on one
/// timeline; ffprobe on the inputs and on the packaged MKVs is the oracle.
/// </summary>
public sealed class AudioFileTests
{
    private static readonly TimeSpan AacFrame = TimeSpan.FromTicks(1024 * TimeSpan.TicksPerSecond / 48000);

    private static string Uri(string clip) => "file:" + TestData.Clip(clip);

    [Test]
    public void Without_audio_asked_for_a_clip_with_audio_opens_its_video_only()
    {
        using MediaSource source = MediaSource.Open(Uri("h264-aac-640x480.mp4"));

        Assert.That((source.Tracks.Count, source.AudioTrack), Is.EqualTo((1, (TrackDefinition?)null)));
    }

    [Test]
    public void Mp4_with_h264_and_aac_gives_a_video_track_and_an_aac_track_passed_through()
    {
        using MediaSource source = MediaSource.Open(Uri("h264-aac-640x480.mp4"), new MediaSourceOptions { Audio = SourceAudio.Auto });

        TrackDefinition audio = source.AudioTrack!;
        Assert.Multiple(() =>
        {
            Assert.That(source.Tracks.Select(t => (t.Kind, t.TrackNumber)), Is.EqualTo(new[] { (TrackKind.Video, 1), (TrackKind.Audio, 2) }));
            Assert.That((audio.AudioCodec, audio.SamplingRate, audio.Channels), Is.EqualTo((AudioCodec.Aac, 48000, 2)));
            // AudioSpecificConfig of AAC-LC 48 kHz stereo: object type 2, frequency index 3, 2 channels.
            Assert.That(audio.CodecPrivateData.ToArray().Take(2), Is.EqualTo(new byte[] { 0x11, 0x90 }));
            Assert.That(source.AudioEncoderName, Is.Null);
        });
    }

    [Test]
    public async Task Mp4_packaged_has_both_tracks_with_every_packet_from_the_first_key_frame_on()
    {
        string clip = TestData.Clip("h264-aac-640x480.mp4");
        using MediaSource source = MediaSource.Open("file:" + clip, new MediaSourceOptions { Audio = SourceAudio.Auto });
        using AudioPackaging packaged = await AudioPackaging.PackageAsync(source);

        // A fragment starts at a video key frame; audio before the first one (here the AAC encoder's
        // priming packet at -21 ms) is skipped, as the official SDKs do.
        long firstKeyFrame = Ffprobe.Packets(clip, "v:0").First(p => p.Key).Pts!.Value;
        int audioBefore = Ffprobe.Packets(clip, "a:0").Count(p => p.Pts < firstKeyFrame);
        var input = Ffprobe.Streams(clip);
        var output = Ffprobe.Streams(packaged.Path);

        Assert.Multiple(() =>
        {
            Assert.That(audioBefore, Is.LessThanOrEqualTo(1));
            Assert.That(output, Is.EqualTo(new[] { input[0], (input[1].Codec, input[1].Packets - audioBefore) }));
            Assert.That(Ffprobe.DecodeErrors(packaged.Path), Is.Empty);
        });
    }

    [Test]
    public async Task Mp4_frames_come_in_time_order_across_tracks_within_one_audio_frame_of_the_input_times()
    {
        string clip = TestData.Clip("h264-aac-640x480.mp4");
        using MediaSource source = MediaSource.Open("file:" + clip, new MediaSourceOptions { Audio = SourceAudio.Auto });
        List<FrameRecord> frames = await FrameRecord.ReadAsync(source);

        var video = Ffprobe.Packets(clip, "v:0");
        var audio = Ffprobe.Packets(clip, "a:0");
        long origin = video.Concat(audio).Min(p => p.Dts ?? p.Pts ?? 0);
        TimeSpan[] expectedAudio = audio.Select(p => TimeSpan.FromTicks((p.Pts ?? 0) - origin)).ToArray();
        TimeSpan[] actualAudio = frames.Where(f => f.TrackNumber == 2).Select(f => f.PresentationTime).ToArray();
        TimeSpan[] expectedVideo = video.Select(p => TimeSpan.FromTicks((p.Pts ?? 0) - origin)).ToArray();
        TimeSpan[] actualVideo = frames.Where(f => f.TrackNumber == 1).Select(f => f.PresentationTime).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(frames.Select(f => f.DecodingTime), Is.Ordered, "one timeline: decoding times never go back across tracks");
            Assert.That(actualAudio, Has.Length.EqualTo(expectedAudio.Length));
            Assert.That(actualVideo, Has.Length.EqualTo(expectedVideo.Length));
            Assert.That(actualAudio.Zip(expectedAudio, (a, e) => (a - e).Duration()).Max(), Is.LessThanOrEqualTo(AacFrame));
            Assert.That(actualVideo.Zip(expectedVideo, (a, e) => (a - e).Duration()).Max(), Is.LessThanOrEqualTo(AacFrame));
        });
    }

    [Test]
    public async Task Adts_file_is_audio_only_with_raw_access_units_and_a_built_audio_specific_config()
    {
        using MediaSource source = MediaSource.Open(Uri("aac-48k-stereo.adts"));
        List<FrameRecord> frames = await FrameRecord.ReadAsync(source);

        Assert.Multiple(() =>
        {
            Assert.That((source.Track.Kind, source.Track.TrackNumber, source.Tracks.Count), Is.EqualTo((TrackKind.Audio, 1, 1)));
            Assert.That(source.Track.CodecPrivateData.ToArray(), Is.EqualTo(new byte[] { 0x11, 0x90 }));
            Assert.That(frames, Has.Count.EqualTo(Ffprobe.Streams(TestData.Clip("aac-48k-stereo.adts"))[0].Packets));
            Assert.That(frames.Count(f => f.Data[0] == 0xFF && (f.Data[1] & 0xF6) == 0xF0), Is.Zero, "no frame keeps its ADTS header");
            Assert.That(frames[1].DecodingTime - frames[0].DecodingTime, Is.EqualTo(AacFrame).Within(TimeSpan.FromTicks(1)));
        });
    }

    [Test]
    public async Task Mulaw_file_passes_through_every_sample()
    {
        using MediaSource source = MediaSource.Open(Uri("g711u-8k-mono.mulaw"));
        List<FrameRecord> frames = await FrameRecord.ReadAsync(source);

        Assert.Multiple(() =>
        {
            Assert.That((source.Track.AudioCodec, source.Track.SamplingRate, source.Track.Channels), Is.EqualTo((AudioCodec.MuLaw, 8000, 1)));
            Assert.That(source.AudioEncoderName, Is.Null);
            Assert.That(frames.Sum(f => f.Data.Length), Is.EqualTo(new FileInfo(TestData.Clip("g711u-8k-mono.mulaw")).Length));
        });
    }

    [Test]
    public async Task Opus_file_is_encoded_to_aac_and_the_packaged_mkv_decodes_for_as_long_as_the_input()
    {
        using MediaSource source = MediaSource.Open(Uri("opus-48k-stereo.opus"));
        using AudioPackaging packaged = await AudioPackaging.PackageAsync(source);

        var packets = Ffprobe.Packets(packaged.Path, "a:0");
        TimeSpan duration = TimeSpan.FromTicks(packets[^1].Pts!.Value + packets[^1].Duration - packets[0].Pts!.Value);
        Assert.Multiple(() =>
        {
            Assert.That((source.Track.AudioCodec, source.Track.SamplingRate, source.Track.Channels, source.AudioEncoderName), Is.EqualTo((AudioCodec.Aac, 48000, 2, "aac")));
            Assert.That(Ffprobe.Streams(packaged.Path).Select(s => s.Codec), Is.EqualTo(new[] { "aac" }));
            Assert.That(Ffprobe.DecodeErrors(packaged.Path), Is.Empty);
            // The encoder adds one frame of priming before the 3 s and pads the last frame.
            Assert.That(duration, Is.EqualTo(TimeSpan.FromSeconds(3)).Within(2 * AacFrame));
            Assert.That(packaged.Frames.Skip(1).Zip(packaged.Frames, (b, a) => b.DecodingTime - a.DecodingTime), Is.All.EqualTo(AacFrame).Within(TimeSpan.FromTicks(1)), "times count samples");
        });
    }

    [Test]
    public async Task Opus_file_encoded_to_alaw_gives_20_ms_frames_at_8_khz_mono()
    {
        using MediaSource source = MediaSource.Open(Uri("opus-48k-stereo.opus"), new MediaSourceOptions { Audio = SourceAudio.ALaw });
        List<FrameRecord> frames = await FrameRecord.ReadAsync(source);

        Assert.Multiple(() =>
        {
            Assert.That((source.Track.AudioCodec, source.Track.SamplingRate, source.Track.Channels, source.AudioEncoderName), Is.EqualTo((AudioCodec.ALaw, 8000, 1, "pcm_alaw")));
            Assert.That(frames.Take(frames.Count - 1).Select(f => f.Data.Length), Is.All.EqualTo(160));
            Assert.That(frames.Sum(f => f.Data.Length), Is.EqualTo(24000).Within(160));
        });
    }

    [Test]
    public async Task Audio_only_reads_just_the_audio_of_a_clip_with_video_as_track_1()
    {
        using MediaSource source = MediaSource.Open(Uri("h264-aac-640x480.mp4"), new MediaSourceOptions { Audio = SourceAudio.Auto, AudioOnly = true });
        List<FrameRecord> frames = await FrameRecord.ReadAsync(source);

        Assert.Multiple(() =>
        {
            Assert.That(source.Tracks.Select(t => (t.Kind, t.TrackNumber)), Is.EqualTo(new[] { (TrackKind.Audio, 1) }));
            Assert.That(frames, Has.Count.EqualTo(Ffprobe.Streams(TestData.Clip("h264-aac-640x480.mp4"))[1].Packets));
        });
    }
}
