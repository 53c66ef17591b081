using System.Globalization;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Cli;

/// <summary>
/// <c>kvs package</c> with audio (issue 12): an mp4 with H.264 + AAC, raw H.264 + an audio file, an
/// audio-only source, and the audio options. ffprobe (-count_packets, packet times) reads the inputs
/// and the MKVs: both tracks, every packet, times within one audio frame of the input.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class PackageAudioCommandTests
{
    private static readonly double AacFrameSeconds = 1024.0 / 48000;

    [Test]
    public async Task Mp4_with_h264_and_aac_packages_both_tracks_every_packet_at_the_input_times()
    {
        var clip = TestData.PathOf("h264-aac-640x480.mp4");
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var output = Path.Combine(directory, "av.mkv");
            Assert.That(await PackageCommandTests.Run("-s", "file:" + clip, "-o", output), Is.Zero);

            var input = Streams(clip);
            // The packaged stream starts at its first video key frame (0 s); audio before it is
            // skipped as the official SDKs do: here the AAC encoder's priming packet at -21 ms.
            var inputAudio = PacketTimes(clip, "a:0").Where(t => t >= 0).ToArray();
            var outputAudio = PacketTimes(output, "a:0");
            var origin = PacketTimes(output, "v:0")[0];
            Assert.Multiple(() =>
            {
                Assert.That(Streams(output), Is.EqualTo(new[] { input[0], ("aac", inputAudio.Length) }));
                Assert.That(outputAudio.Zip(inputAudio, (o, i) => Math.Abs(o - origin - i)).Max(), Is.LessThanOrEqualTo(AacFrameSeconds));
                Assert.That(PacketTimes(output, "v:0").Zip(PacketTimes(clip, "v:0"), (o, i) => Math.Abs(o - origin - i)).Max(), Is.LessThanOrEqualTo(0.001));
                Assert.That(FfmpegTool.Ffmpeg("-i", output, "-f", "null", "-"), Is.Empty);
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestCase("aac-48k-stereo.adts", "aac", 1024.0 / 48000)]
    [TestCase("g711a-8k-mono.alaw", "pcm_alaw", 0)]
    public async Task Raw_h264_with_an_audio_file_packages_both_tracks_with_times_from_sample_counts(string audioFile, string codec, double frameSeconds)
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var output = Path.Combine(directory, "raw-av.mkv");
            var audio = TestData.PathOf(audioFile);
            Assert.That(await PackageCommandTests.Run("-s", "file:" + TestData.PathOf("h264-640x480.h264") + "?fps=25", "--audio", audio, "-o", output), Is.Zero);

            var inputAudio = PacketTimes(audio, "a:0");
            var outputAudio = PacketTimes(output, "a:0");
            var origin = PacketTimes(output, "v:0")[0];
            Assert.Multiple(() =>
            {
                Assert.That(Streams(output), Is.EqualTo(new[] { Streams(TestData.PathOf("h264-640x480.h264"))[0], (codec, Streams(audio)[0].Packets) }));
                Assert.That(outputAudio.Zip(inputAudio, (o, i) => Math.Abs(o - origin - i)).Max(), Is.LessThanOrEqualTo(Math.Max(frameSeconds, 0.001)));
                Assert.That(FfmpegTool.Ffmpeg("-i", output, "-f", "null", "-"), Is.Empty);
            });
            if (frameSeconds > 0)
            {
                Assert.That(outputAudio.Zip(outputAudio.Skip(1), (a, b) => b - a), Is.All.EqualTo(frameSeconds).Within(0.0011), "1024 samples at 48 kHz apart (ms timecodes)");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Audio_only_opus_file_is_encoded_to_aac_in_fragments_cut_by_duration()
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var output = Path.Combine(directory, "opus.mkv");
            Assert.That(await PackageCommandTests.Run("-s", "file:" + TestData.PathOf("opus-48k-stereo.opus"), "--fragment-duration", "1s", "-o", output), Is.Zero);

            var clusters = new KvsProducer.Tests.Mkv.MkvInspector(File.ReadAllBytes(output)).Clusters.Count();
            var times = PacketTimes(output, "a:0");
            Assert.Multiple(() =>
            {
                Assert.That(Streams(output).Select(s => s.Codec), Is.EqualTo(new[] { "aac" }));
                Assert.That(FfmpegTool.Ffprobe("-select_streams", "a:0", "-show_entries", "stream=sample_rate", "-of", "csv=p=0", output).Trim(), Is.EqualTo("48000"));
                Assert.That(clusters, Is.EqualTo((int)Math.Floor(times[^1] - times[0]) + 1), "a fragment per second of audio");
                Assert.That(FfmpegTool.Run("mkvinfo", [output]).StandardOutput, Does.Contain("Codec ID: A_AAC"));
                Assert.That(FfmpegTool.Ffmpeg("-i", output, "-f", "null", "-"), Is.Empty);
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task No_audio_leaves_the_audio_of_an_mp4_out()
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var output = Path.Combine(directory, "video.mkv");
            Assert.That(await PackageCommandTests.Run("-s", "file:" + TestData.PathOf("h264-aac-640x480.mp4"), "--no-audio", "-o", output), Is.Zero);

            Assert.That(Streams(output).Select(s => s.Codec), Is.EqualTo(new[] { "h264" }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Audio_codec_mulaw_encodes_the_aac_of_an_mp4_to_g711_at_8_khz()
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var output = Path.Combine(directory, "mulaw.mkv");
            Assert.That(await PackageCommandTests.Run("-s", "file:" + TestData.PathOf("h264-aac-640x480.mp4"), "--audio-codec", "mulaw", "-o", output), Is.Zero);

            Assert.Multiple(() =>
            {
                Assert.That(Streams(output).Select(s => s.Codec), Is.EqualTo(new[] { "h264", "pcm_mulaw" }));
                Assert.That(FfmpegTool.Ffprobe("-select_streams", "a:0", "-show_entries", "stream=sample_rate,channels", "-of", "csv=p=0", output).Trim(), Is.EqualTo("8000,1"));
                Assert.That(FfmpegTool.Ffmpeg("-i", output, "-f", "null", "-"), Is.Empty);
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Audio_file_beside_an_mp4_is_refused_because_the_mp4_brings_its_own()
    {
        var output = Path.Combine(Path.GetTempPath(), $"refused-{Guid.NewGuid():N}.mkv");
        var (exit, errors) = await CaptureErrors(() => PackageCommandTests.Run("-s", "file:" + TestData.PathOf("h264-aac-640x480.mp4"), "--audio", TestData.PathOf("aac-48k-stereo.adts"), "-o", output));

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Not.Zero);
            Assert.That(errors, Does.Contain("--audio"));
            Assert.That(File.Exists(output), Is.False);
        });
    }

    [Test]
    public async Task Unknown_audio_codec_is_refused_naming_the_choices()
    {
        var (exit, errors) = await CaptureErrors(() => PackageCommandTests.Run("-s", "file:" + TestData.PathOf("h264-aac-640x480.mp4"), "--audio-codec", "opus", "-o", "x.mkv"));

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Not.Zero);
            Assert.That(errors, Does.Contain("--audio-codec 'opus'").And.Contain("mulaw"));
        });
    }

    private static async Task<(int Exit, string Errors)> CaptureErrors(Func<Task<int>> run)
    {
        var original = Console.Error;
        using var capture = new StringWriter();
        Console.SetError(capture);
        try
        {
            var exit = await run();
            return (exit, capture.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    private static (string Codec, int Packets)[] Streams(string path) =>
        FfmpegTool.Ffprobe([.. RawFormat(path), "-count_packets", "-show_entries", "stream=codec_name,nb_read_packets", "-of", "csv=p=0", path])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(','))
            .Select(f => (f[0], int.Parse(f[1], CultureInfo.InvariantCulture)))
            .ToArray();

    // Raw G.711 has no header: ffprobe is told what it is, as kvs is by the extension.
    private static string[] RawFormat(string path) => Path.GetExtension(path) == ".alaw" ? ["-f", "alaw", "-sample_rate", "8000"] : [];

    private static double[] PacketTimes(string path, string stream)
    {
        return FfmpegTool.Ffprobe([.. RawFormat(path), "-select_streams", stream, "-show_entries", "packet=pts_time", "-of", "csv=p=0", path])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => double.Parse(t.TrimEnd(','), CultureInfo.InvariantCulture))
            .ToArray();
    }
}
