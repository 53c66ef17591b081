using System.Buffers;
using System.Globalization;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Mkv;

/// <summary>Raw PCM (A_PCM/INT/LIT) audio, read back by ffprobe.</summary>
public class MkvFragmenterPcmTests
{
    [Test]
    public void Pcm_frames_give_an_mkv_ffprobe_reads_as_pcm_s16le_with_every_packet()
    {
        // 20 ms of 16-bit stereo at 16 kHz per frame: 320 samples × 2 channels × 2 bytes.
        var frames = Enumerable.Range(0, 150)
            .Select(i => new Frame(Enumerable.Range(0, 1280).Select(b => (byte)(b * 7 + i)).ToArray(), TimeSpan.FromSeconds(100) + TimeSpan.FromMilliseconds(20 * i), TimeSpan.FromMilliseconds(20), FrameFlags.KeyFrame, 1))
            .ToArray();
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [TrackDefinition.PcmAudio(16000, 2, 16, trackNumber: 1)] });
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            fragmenter.Write(frame, output);
        }

        fragmenter.CompleteFragment(output);
        var path = Path.Combine(FfmpegTool.CreateTemporaryDirectory(), "pcm.mkv");
        File.WriteAllBytes(path, output.WrittenSpan.ToArray());

        Assert.That(FfmpegTool.Ffprobe("-show_entries", "stream=codec_name,sample_rate,channels,bits_per_sample", "-of", "csv=p=0", path).Trim(), Is.EqualTo("pcm_s16le,16000,2,16"));
        var packets = FfmpegTool.Ffprobe("-show_entries", "packet=pts_time", "-of", "csv=p=0", path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(packets, Has.Length.EqualTo(frames.Length));
        Assert.That(double.Parse(packets[^1], CultureInfo.InvariantCulture), Is.EqualTo(frames[^1].PresentationTime.TotalSeconds).Within(0.001));
        Assert.That(fragmenter.FragmentsStarted, Is.EqualTo(2), "audio-only PCM is cut by the 2 s fragment duration");
    }

    [Test]
    public void A_pcm_bit_depth_of_12_is_refused()
    {
        Assert.That(() => TrackDefinition.PcmAudio(16000, 1, 12).Validate(), Throws.ArgumentException.With.Message.Contains("8, 16, 24 or 32"));
    }

    [Test]
    public void Pcm_tracks_use_the_pics_codec_id_and_content_type()
    {
        var track = TrackDefinition.PcmAudio(48000, 1);

        Assert.That((track.CodecId, track.ContentType), Is.EqualTo(("A_PCM/INT/LIT", "audio/x-matroska")));
    }
}
