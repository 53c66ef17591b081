using System.Diagnostics;

namespace KvsProducer.Media.Tests;

/// <summary>
/// Audio from an RTSP camera (issue 12): GStreamer's RTSP server sending H.264 and AAC (or G.711) is
/// read with both tracks on one timeline, and stays in sync across a camera restart.
/// </summary>
public sealed class RtspAudioTests
{
    private static readonly MediaSourceOptions Options = new()
    {
        Audio = SourceAudio.Auto,
        OpenTimeout = TimeSpan.FromSeconds(5),
        ReadTimeout = TimeSpan.FromSeconds(3),
        ReconnectDelay = TimeSpan.FromMilliseconds(200),
        MaxReconnectDelay = TimeSpan.FromSeconds(1),
        MaxReconnectAttempts = 30,
    };

    [SetUp]
    public void RequireRtspServer() => RtspCamera.SkipUnlessAvailable();

    [TestCase("aac", AudioCodec.Aac, 48000, 2)]
    [TestCase("pcma", AudioCodec.ALaw, 8000, 1)]
    public async Task Camera_audio_passes_through_beside_the_video_in_time_order(string audio, AudioCodec codec, int rate, int channels)
    {
        using RtspCamera camera = RtspCamera.Start(audio: audio);
        using MediaSource source = MediaSource.Open(camera.Url("tcp"), Options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 150, timeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That((source.AudioTrack!.AudioCodec, source.AudioTrack.SamplingRate, source.AudioTrack.Channels, source.AudioEncoderName), Is.EqualTo((codec, rate, channels, (string?)null)));
            Assert.That(frames[0].IsKeyFrame && frames[0].TrackNumber == 1, Is.True, "a live source starts at a video key frame");
            Assert.That(frames.Count(f => f.TrackNumber == 2), Is.GreaterThan(10));
            Assert.That(frames.Where(f => f.TrackNumber == 1).Select(f => f.DecodingTime), Is.Ordered.Ascending.And.Unique);
            Assert.That(frames.Where(f => f.TrackNumber == 2).Select(f => f.DecodingTime), Is.Ordered.Ascending.And.Unique);
        });
    }

    [Test]
    public async Task Camera_restarted_mid_stream_continues_both_tracks_on_one_timeline_without_a_gap_beyond_the_outage()
    {
        using RtspCamera camera = RtspCamera.Start(audio: "aac");
        using MediaSource source = MediaSource.Open(camera.Url("tcp"), Options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var frames = new List<(FrameRecord Frame, int Reconnects)>();
        Stopwatch? outage = null;
        Task? restart = null;
        await foreach (Frame frame in source.ReadFramesAsync(timeout.Token))
        {
            if (outage is { IsRunning: true } && source.Reconnects > 0)
            {
                outage.Stop();
            }

            frames.Add((FrameRecord.Of(frame), source.Reconnects));
            if (frames.Count == 100)
            {
                outage = Stopwatch.StartNew();
                camera.Kill();
                restart = Task.Delay(500).ContinueWith(_ => camera.Launch(), TaskScheduler.Default);
            }

            if (frames.Count(f => f.Reconnects > 0 && f.Frame.TrackNumber == 2) == 40)
            {
                break;
            }
        }

        await restart!;
        List<FrameRecord> before = frames.Where(f => f.Reconnects == 0).Select(f => f.Frame).ToList();
        List<FrameRecord> after = frames.Where(f => f.Reconnects > 0).Select(f => f.Frame).ToList();
        TimeSpan end = before.Max(f => f.DecodingTime + f.Duration);
        TimeSpan resumed = after.Min(f => f.DecodingTime);
        TimeSpan videoResumed = after.First(f => f.TrackNumber == 1).DecodingTime;
        TimeSpan audioResumed = after.First(f => f.TrackNumber == 2).DecodingTime;
        TestContext.Out.WriteLine($"outage {outage!.Elapsed.TotalMilliseconds:0} ms; timeline gap {(resumed - end).TotalMilliseconds:0} ms; audio resumed {(audioResumed - videoResumed).TotalMilliseconds:0} ms after video");
        Assert.Multiple(() =>
        {
            Assert.That(after[0].TrackNumber == 1 && after[0].IsKeyFrame, Is.True, "after a reconnect both tracks wait for a video key frame");
            foreach (int track in new[] { 1, 2 })
            {
                Assert.That(frames.Where(f => f.Frame.TrackNumber == track).Select(f => f.Frame.DecodingTime), Is.Ordered.Ascending.And.Unique, $"track {track} never goes back");
            }

            Assert.That(resumed, Is.GreaterThanOrEqualTo(end), "the new session starts after everything before it");
            Assert.That(resumed - end, Is.LessThanOrEqualTo(outage.Elapsed + TimeSpan.FromMilliseconds(100)), "no gap beyond the outage");
            Assert.That((audioResumed - videoResumed).Duration(), Is.LessThan(TimeSpan.FromMilliseconds(200)), "audio and video resume together");
        });
    }
}
