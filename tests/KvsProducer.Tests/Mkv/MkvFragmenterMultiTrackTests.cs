using System.Buffers;
using System.Globalization;
using KvsProducer.Mkv;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Mkv;

/// <summary>Video + audio, audio-only and data tracks, read back by ffprobe (a peer we did not write).</summary>
public class MkvFragmenterMultiTrackTests
{
    private static readonly TimeSpan Epoch = TimeSpan.FromSeconds(1_700_000_000);

    /// <summary>Interleaves frames of several tracks by decoding time, as a capture loop hands them over.</summary>
    private static Frame[] Interleave(params Frame[][] tracks) =>
        tracks.SelectMany(t => t).OrderBy(f => f.DecodingTime).ThenBy(f => f.TrackNumber).ToArray();

    private static string WriteFile(MkvFragmenterOptions options, IEnumerable<Frame> frames)
    {
        var fragmenter = new MkvFragmenter(options);
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            fragmenter.Write(frame, output);
        }

        fragmenter.CompleteFragment(output);
        var path = Path.Combine(FfmpegTool.CreateTemporaryDirectory(), "out.mkv");
        File.WriteAllBytes(path, output.WrittenSpan.ToArray());
        return path;
    }

    /// <summary>(stream index, pts seconds) of every packet ffprobe reads.</summary>
    private static List<(int Stream, double Pts)> Packets(string path) =>
        FfmpegTool.Ffprobe("-show_entries", "packet=stream_index,pts_time", "-of", "csv=p=0", path)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(','))
            .Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();

    [Test]
    public void H264_and_aac_frames_give_an_mkv_ffprobe_reads_with_both_tracks_and_every_packet()
    {
        var video = RecordedFrames.H264VgaFrames(Epoch, 75);
        var audio = RecordedAudio.Frames(RecordedAudio.AacFrames, Epoch, RecordedAudio.AacFrameDuration, 2);
        var options = new MkvFragmenterOptions { Tracks = [TrackDefinition.H264Video(), TrackDefinition.AacAudio(48000, 2)] };

        var path = WriteFile(options, Interleave(video, audio));

        Assert.That(FfmpegTool.Ffprobe("-show_entries", "stream=codec_name,sample_rate,channels", "-of", "csv=p=0", path).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "h264", "aac,48000,2" }));
        var packets = Packets(path);
        Assert.That(packets.Count(p => p.Stream == 0), Is.EqualTo(video.Length));
        Assert.That(packets.Count(p => p.Stream == 1), Is.EqualTo(audio.Length));
        var audioPts = packets.Where(p => p.Stream == 1).Select(p => p.Pts).ToArray();
        for (var i = 0; i < audio.Length; i++)
        {
            Assert.That(audioPts[i], Is.EqualTo(audio[i].PresentationTime.TotalSeconds).Within(RecordedAudio.AacFrameDuration.TotalSeconds), $"audio packet {i}");
        }
    }

    [Test]
    public void Audio_video_fragments_start_at_video_key_frames()
    {
        var video = RecordedFrames.H264VgaFrames(Epoch, 75);
        var audio = RecordedAudio.Frames(RecordedAudio.AacFrames, Epoch, RecordedAudio.AacFrameDuration, 2);
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [TrackDefinition.H264Video(), TrackDefinition.AacAudio(48000, 2)] });
        var output = new ArrayBufferWriter<byte>();
        var starts = new List<Frame>();
        foreach (var frame in Interleave(video, audio))
        {
            if (fragmenter.Write(frame, output) == FramePackagingOutcome.StartedFragment)
            {
                starts.Add(frame);
            }
        }

        Assert.That(starts.Select(f => (f.TrackNumber, f.IsKeyFrame)), Is.All.EqualTo((1, true)));
        Assert.That(starts, Has.Count.EqualTo(3));
    }

    [Test]
    public void Audio_only_stream_is_cut_by_fragment_duration_and_read_by_ffprobe()
    {
        var audio = RecordedAudio.Frames(RecordedAudio.AacFrames, Epoch, RecordedAudio.AacFrameDuration, 1);
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [TrackDefinition.AacAudio(48000, 2, trackNumber: 1)] });
        var output = new ArrayBufferWriter<byte>();
        var fragments = audio.Count(frame => fragmenter.Write(frame, output) == FramePackagingOutcome.StartedFragment);

        // 142 frames × 21.33 ms ≈ 3.03 s with the default 2 s FragmentDuration: two fragments.
        Assert.That(fragments, Is.EqualTo(2));
        var path = Path.Combine(FfmpegTool.CreateTemporaryDirectory(), "audio.mkv");
        File.WriteAllBytes(path, output.WrittenSpan.ToArray());
        Assert.That(Packets(path).Count(p => p.Stream == 0), Is.EqualTo(audio.Length));
    }

    [Test]
    public void G711_alaw_track_has_the_official_sdks_waveformatex_and_ffprobe_decodes_it()
    {
        var audio = RecordedAudio.Frames(RecordedAudio.ALawFrames, Epoch, TimeSpan.FromMilliseconds(20), 1);
        var track = TrackDefinition.G711Audio(AudioCodec.ALaw, 8000, 1, trackNumber: 1);

        var path = WriteFile(new MkvFragmenterOptions { Tracks = [track] }, audio);

        // producer-c mkvgenGeneratePcmCpd layout: format 6 (A-law), channels, rate, bytes/s, block align, bits, cbSize (LE).
        Assert.That(Convert.ToHexString(track.CodecPrivateData.Span), Is.EqualTo("0600" + "0100" + "401F0000" + "401F0000" + "0100" + "0800" + "0000"));
        Assert.That(FfmpegTool.Ffprobe("-show_entries", "stream=codec_name,sample_rate,channels", "-of", "csv=p=0", path).Trim(), Is.EqualTo("pcm_alaw,8000,1"));
        Assert.That(Packets(path), Has.Count.EqualTo(audio.Length));
    }

    [Test]
    public void Aac_lc_audio_specific_config_for_48k_stereo_is_1190()
    {
        // ISO 14496-3: objectType 2, frequency index 3 (48 kHz), 2 channels → 0x1190, as ffmpeg's extradata says.
        Assert.That(Convert.ToHexString(TrackDefinition.AacAudio(48000, 2).CodecPrivateData.Span), Is.EqualTo("1190"));
    }

    [Test]
    public void Data_track_frames_are_copied_as_they_are_next_to_video()
    {
        var video = RecordedFrames.H264VgaFrames(Epoch, 50);
        var data = Enumerable.Range(0, 10).Select(i => new Frame(new byte[] { 0xD0, 0x0D, 0xA7, 0xA5, (byte)i }, Epoch + TimeSpan.FromMilliseconds(200 * i) + TimeSpan.FromMilliseconds(1), TimeSpan.Zero, FrameFlags.None, 3)).ToArray();
        var options = new MkvFragmenterOptions { Tracks = [TrackDefinition.H264Video(), TrackDefinition.DataTrack("S_KVS/DATA", 3)] };
        var fragmenter = new MkvFragmenter(options);
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in Interleave(video, data))
        {
            fragmenter.Write(frame, output);
        }

        var bytes = output.WrittenSpan.ToArray();
        // SimpleBlock: … track vint (0x83 = track 3) · int16 timecode · flags · payload.
        var blocksOnTrack3 = Enumerable.Range(0, 10).Select(i => bytes.AsSpan().IndexOf(new byte[] { 0xD0, 0x0D, 0xA7, 0xA5, (byte)i })).Count(at => at >= 4 && bytes[at - 4] == 0x83);
        Assert.That(blocksOnTrack3, Is.EqualTo(10));
        Assert.That(new MkvInspector(bytes).Segment.Child(MkvElementIds.Tracks)!.Children.Count(c => c.Id == MkvElementIds.TrackEntry), Is.EqualTo(2));
    }

    [Test]
    public void A_frame_of_an_undeclared_track_is_refused_with_the_declared_tracks_named()
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [TrackDefinition.H264Video(), TrackDefinition.AacAudio(48000, 2)] });
        var error = Assert.Throws<FrameRejectedException>(() => fragmenter.Write(new Frame(new byte[] { 1 }, Epoch, TimeSpan.Zero, FrameFlags.KeyFrame, 3), new ArrayBufferWriter<byte>()));
        Assert.That(error!.Message, Does.Contain("tracks 1, 2"));
    }

    [Test]
    public void Four_tracks_are_refused_naming_the_service_limit()
    {
        var options = new MkvFragmenterOptions { Tracks = [TrackDefinition.H264Video(), TrackDefinition.AacAudio(48000, 2), TrackDefinition.DataTrack("S_KVS/DATA", 3), TrackDefinition.DataTrack("S_KVS/DATA", 4)] };
        Assert.That(() => options.Validate(), Throws.ArgumentException.With.Message.Contains("use 1 to 3"));
    }

    [Test]
    public void An_audio_frame_arriving_after_the_next_key_frame_joins_the_new_fragment_with_a_negative_offset()
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [TrackDefinition.H264Video(), TrackDefinition.AacAudio(48000, 2)] });
        var output = new ArrayBufferWriter<byte>();
        var video = RecordedFrames.H264VgaFrames(Epoch, 26);
        foreach (var frame in video[..25])
        {
            fragmenter.Write(frame, output);
        }

        fragmenter.Write(video[25], output); // key frame at 1000 ms: fragment 2
        var late = new Frame(RecordedAudio.AacFrames[0], Epoch + TimeSpan.FromMilliseconds(990), TimeSpan.FromMilliseconds(5), FrameFlags.None, 2);

        Assert.That(fragmenter.Write(late, output), Is.EqualTo(FramePackagingOutcome.Written));
        var mkv = new MkvInspector(output.WrittenSpan);
        Assert.That(mkv.Blocks(mkv.Clusters.Last()).Last(), Has.Property("Track").EqualTo(2).And.Property("RelativeTimecode").EqualTo((short)-10));
    }

    [Test]
    public void An_audio_frame_older_than_the_previous_fragments_last_frame_is_refused_with_timestamp_order_advice()
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [TrackDefinition.H264Video(), TrackDefinition.AacAudio(48000, 2)] });
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in RecordedFrames.H264VgaFrames(Epoch, 26))
        {
            fragmenter.Write(frame, output);
        }

        var late = new Frame(RecordedAudio.AacFrames[0], Epoch + TimeSpan.FromMilliseconds(950), TimeSpan.FromMilliseconds(5), FrameFlags.None, 2);

        var error = Assert.Throws<FrameRejectedException>(() => fragmenter.Write(late, output));
        Assert.That(error!.Reason, Is.EqualTo(FrameRejectionReason.FragmentOverlap));
        Assert.That(error.Message, Does.Contain("track 2").And.Contain("timestamp order"));
    }
}
