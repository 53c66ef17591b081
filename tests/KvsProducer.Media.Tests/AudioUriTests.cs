using KvsProducer.Media.Internal;

namespace KvsProducer.Media.Tests;

/// <summary>What the audio URI forms (issue 12) give FFmpeg: the ALSA device, its capture options, the codec.</summary>
public sealed class AudioUriTests
{
    [Test]
    public void Alsa_rate_and_channels_become_capture_options_and_codec_the_audio_codec()
    {
        SourceSpec spec = MediaUri.Parse("alsa:hw:1,0?rate=16000&channels=1&codec=alaw", MediaSourceOptions.Default);

        Assert.Multiple(() =>
        {
            Assert.That((spec.Kind, spec.InputFormat, spec.Url, spec.AudioCodec, spec.IsLive), Is.EqualTo((SourceKind.Alsa, "alsa", "hw:1,0", "alaw", true)));
            Assert.That(spec.Options, Is.EqualTo(new KeyValuePair<string, string>[] { new("sample_rate", "16000"), new("channels", "1") }));
        });
    }

    [Test]
    public void Alsa_without_parameters_captures_at_the_card_default_and_encodes_to_aac()
    {
        SourceSpec spec = MediaUri.Parse("alsa:default", MediaSourceOptions.Default);

        Assert.That((spec.Url, spec.Options.Count, spec.AudioCodec), Is.EqualTo(("default", 0, "aac")));
    }

    [Test]
    public void Options_audio_rate_channels_and_codec_apply_when_the_uri_does_not_say()
    {
        SourceSpec spec = MediaUri.Parse("alsa:hw:0,0", new MediaSourceOptions { AudioSampleRate = 8000, AudioChannels = 1, Audio = SourceAudio.MuLaw });

        Assert.Multiple(() =>
        {
            Assert.That(spec.Options, Is.EqualTo(new KeyValuePair<string, string>[] { new("sample_rate", "8000"), new("channels", "1") }));
            Assert.That(spec.AudioCodec, Is.EqualTo("mulaw"));
        });
    }

    [Test]
    public void Test_pattern_with_audio_is_one_lavfi_graph_with_a_picture_and_a_tone_output()
    {
        SourceSpec spec = MediaUri.Parse("testsrc:?size=320x240&rate=25&audio=mulaw", MediaSourceOptions.Default);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Url, Is.EqualTo("testsrc2=size=320x240:rate=25[out0];sine=frequency=440:sample_rate=48000,aformat=channel_layouts=stereo[out1]"));
            Assert.That(spec.AudioCodec, Is.EqualTo("mulaw"));
        });
    }

    [TestCase("file:voice.alaw", "alaw")]
    [TestCase("file:voice.mulaw", "mulaw")]
    [TestCase("file:voice.ul", "mulaw")]
    public void Raw_g711_files_are_named_by_their_extension_and_read_at_8_khz_mono(string uri, string format)
    {
        SourceSpec spec = MediaUri.Parse(uri, MediaSourceOptions.Default);

        Assert.Multiple(() =>
        {
            Assert.That(spec.InputFormat, Is.EqualTo(format));
            Assert.That(spec.Options, Is.EqualTo(new KeyValuePair<string, string>[] { new("sample_rate", "8000"), new("ch_layout", "mono") }));
        });
    }
}
