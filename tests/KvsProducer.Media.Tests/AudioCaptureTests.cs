namespace KvsProducer.Media.Tests;

/// <summary>
/// Microphone capture (issue 12): the ALSA source's errors and option plumbing (no sound card on the
/// test machines), and the capture → resample → encode path through lavfi's tone as its stand-in.
/// </summary>
public sealed class AudioCaptureTests
{
    [Test]
    public void Missing_sound_card_is_not_found_and_says_how_to_list_capture_devices()
    {
        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("alsa:hw:7,0?rate=48000&channels=2&codec=aac"));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.NotFound));
            Assert.That(error.Message, Does.Contain("hw:7,0").And.Contain("arecord -l"));
        });
    }

    [TestCase("alsa:hw:1,0?rate=44", "rate=44")]
    [TestCase("alsa:hw:1,0?channels=6", "channels=6")]
    [TestCase("alsa:hw:1,0?codec=opus", "codec=opus")]
    [TestCase("alsa:hw:1,0?gain=3", "gain")]
    [TestCase("alsa:?rate=48000", "names no capture device")]
    [TestCase("sine:?rate=100000", "rate=100000")]
    public void Bad_audio_uri_is_refused_naming_the_parameter_before_anything_opens(string uri, string named)
    {
        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open(uri));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.InvalidUri));
            Assert.That(error.Message, Does.Contain(named));
        });
    }

    [TestCase(0, 0, 300_000)]
    [TestCase(8000, 0, 0)]
    [TestCase(0, 3, 0)]
    public void Bad_audio_options_are_refused_naming_the_option(int rate, int channels, int bitrate)
    {
        var options = new MediaSourceOptions { AudioSampleRate = rate, AudioChannels = channels, AudioBitrate = bitrate * 2 };
        if (rate == 8000)
        {
            options = options with { AudioSampleRate = 7999 };
        }

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.That(error!.ParamName, Is.EqualTo(rate != 0 ? "AudioSampleRate" : channels != 0 ? "AudioChannels" : "AudioBitrate"));
    }

    [TestCase("aac", AudioCodec.Aac, 48000, 2, 1024)]
    [TestCase("alaw", AudioCodec.ALaw, 8000, 1, 160)]
    [TestCase("mulaw", AudioCodec.MuLaw, 8000, 1, 160)]
    public async Task Tone_is_encoded_with_times_that_count_samples(string codec, AudioCodec expected, int rate, int channels, int samples)
    {
        string uri = codec == "aac" ? "sine:?rate=48000&channels=2&codec=aac" : $"sine:?codec={codec}";
        using MediaSource source = MediaSource.Open(uri);
        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 100);

        TimeSpan frame = TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / rate);
        Assert.Multiple(() =>
        {
            Assert.That((source.Track.AudioCodec, source.Track.SamplingRate, source.Track.Channels), Is.EqualTo((expected, rate, channels)));
            Assert.That(source.AudioEncoderName, Is.Not.Null);
            Assert.That(frames.Select(f => f.DecodingTime - frames[0].DecodingTime),
                Is.EqualTo(Enumerable.Range(0, frames.Count).Select(i => TimeSpan.FromTicks(i * samples * TimeSpan.TicksPerSecond / rate))).Within(TimeSpan.FromTicks(1)));
            Assert.That(frames.Select(f => f.Duration), Is.All.EqualTo(frame).Within(TimeSpan.FromTicks(1)));
        });
    }

    [Test]
    public async Task Test_pattern_with_a_tone_gives_video_and_audio_interleaved_by_time_that_ffmpeg_decodes()
    {
        using MediaSource source = MediaSource.Open("testsrc:?size=320x240&rate=25&audio=aac", new MediaSourceOptions { Encoder = H264Encoder.Libx264, KeyFrameInterval = TimeSpan.FromSeconds(1) });
        using AudioPackaging packaged = await AudioPackaging.PackageAsync(source, maxFrames: 200);

        var streams = Ffprobe.Streams(packaged.Path);
        Assert.Multiple(() =>
        {
            Assert.That(source.Tracks.Select(t => t.Kind), Is.EqualTo(new[] { TrackKind.Video, TrackKind.Audio }));
            Assert.That(packaged.Frames.Select(f => f.DecodingTime), Is.Ordered);
            Assert.That(streams.Select(s => s.Codec), Is.EqualTo(new[] { "h264", "aac" }));
            Assert.That(packaged.Written, Is.GreaterThanOrEqualTo(packaged.Frames.Count - 1), "at most the AAC priming frame comes before the first key frame");
            Assert.That(streams.Sum(s => s.Packets), Is.EqualTo(packaged.Written));
            Assert.That(Ffprobe.DecodeErrors(packaged.Path), Is.Empty);
        });
    }
}
