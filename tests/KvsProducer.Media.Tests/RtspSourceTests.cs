namespace KvsProducer.Media.Tests;

/// <summary>A live RTSP camera (GStreamer) read in passthrough, and reconnected when it drops.</summary>
[NonParallelizable]
public sealed class RtspSourceTests
{
    private static readonly MediaSourceOptions FastReconnect = new()
    {
        OpenTimeout = TimeSpan.FromSeconds(5),
        ReadTimeout = TimeSpan.FromSeconds(3),
        ReconnectDelay = TimeSpan.FromMilliseconds(200),
        MaxReconnectDelay = TimeSpan.FromSeconds(1),
        MaxReconnectAttempts = 30,
    };

    [OneTimeSetUp]
    public void RequireGStreamer() => RtspCamera.SkipUnlessAvailable();

    [TestCase("tcp")]
    [TestCase("udp")]
    public async Task Camera_is_read_in_passthrough_starting_at_a_key_frame_with_increasing_times(string transport)
    {
        using RtspCamera camera = RtspCamera.Start();
        using MediaSource source = MediaSource.Open(camera.Url(transport), FastReconnect);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 30, timeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(source.EncoderName, Is.Null);
            Assert.That(source.Track.Codec, Is.EqualTo(VideoCodec.H264));
            Assert.That(source.Track.NalUnitFormat, Is.EqualTo(NalUnitFormat.AnnexB));
            Assert.That((source.Track.Width, source.Track.Height), Is.EqualTo((320, 240)));
            Assert.That(frames, Has.Count.EqualTo(30));
            Assert.That(frames[0].IsKeyFrame, Is.True);
            Assert.That(frames.All(f => NalBytes.StartsWithStartCode(f.Data)), Is.True);
            Assert.That(frames.Select(f => f.DecodingTime), Is.Ordered.Ascending.And.Unique);
        });
    }

    [TestCase("tcp")]
    [TestCase("udp")]
    public async Task Camera_killed_and_restarted_is_reconnected_with_times_that_keep_increasing(string transport)
    {
        using RtspCamera camera = RtspCamera.Start();
        using MediaSource source = MediaSource.Open(camera.Url(transport), FastReconnect);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var frames = new List<(FrameRecord Frame, int Reconnects)>();
        Task? restart = null;

        await foreach (Frame frame in source.ReadFramesAsync(timeout.Token))
        {
            frames.Add((FrameRecord.Of(frame), source.Reconnects));
            if (frames.Count == 15)
            {
                camera.Kill();
                restart = Task.Delay(500).ContinueWith(_ => camera.Launch(), TaskScheduler.Default);
            }

            if (frames.Count(f => f.Reconnects > 0) == 15)
            {
                break;
            }
        }

        await restart!;
        int firstAfter = frames.FindIndex(f => f.Reconnects > 0);
        Assert.Multiple(() =>
        {
            Assert.That(source.Reconnects, Is.GreaterThanOrEqualTo(1));
            Assert.That(frames[firstAfter].Frame.IsKeyFrame, Is.True, "the first frame after a reconnect must be a key frame");
            Assert.That(frames.Select(f => f.Frame.DecodingTime), Is.Ordered.Ascending.And.Unique);
            // The outage (>= 0.5 s) shows in the stream's time: no frames are made up to fill it.
            Assert.That(frames[firstAfter].Frame.DecodingTime - frames[firstAfter - 1].Frame.DecodingTime, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(400)));
        });
    }

    [Test]
    public void Camera_refusing_the_password_is_unauthorized_and_the_message_hides_the_password()
    {
        using RtspCamera camera = RtspCamera.Start("admin", "s3cret");

        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open($"rtsp://admin:wrong@127.0.0.1:{camera.Port}/cam", FastReconnect));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.Unauthorized));
            Assert.That(error.Message, Does.Contain("admin:***@").And.Not.Contain("wrong"));
        });
    }

    [Test]
    public async Task Camera_accepting_the_password_streams()
    {
        using RtspCamera camera = RtspCamera.Start("admin", "s3cret");
        using MediaSource source = MediaSource.Open($"rtsp://admin:s3cret@127.0.0.1:{camera.Port}/cam", FastReconnect);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 5, timeout.Token);

        Assert.That(frames, Has.Count.EqualTo(5));
    }

    [Test]
    public void Wrong_camera_path_is_not_found()
    {
        using RtspCamera camera = RtspCamera.Start();

        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open($"rtsp://127.0.0.1:{camera.Port}/nothing-here", FastReconnect));

        Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.NotFound));
    }

    [Test]
    public async Task Cancelling_a_read_that_waits_for_the_camera_ends_it_promptly()
    {
        using RtspCamera camera = RtspCamera.Start();
        using MediaSource source = MediaSource.Open(camera.Url("tcp"), FastReconnect with { ReadTimeout = TimeSpan.FromSeconds(30) });
        using var cancellation = new CancellationTokenSource();
        int frames = 0;
        long cancelledAt = 0;

        Assert.That(async () =>
        {
            await foreach (Frame frame in source.ReadFramesAsync(cancellation.Token))
            {
                if (++frames == 3)
                {
                    // The camera stops sending: the next read blocks until the cancellation interrupts it.
                    camera.Kill();
                    cancelledAt = TimeProvider.System.GetTimestamp();
                    cancellation.CancelAfter(200);
                }
            }
        }, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(TimeProvider.System.GetElapsedTime(cancelledAt), Is.LessThan(TimeSpan.FromSeconds(3)));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Opening_asynchronously_gives_the_same_track_as_opening_synchronously()
    {
        using RtspCamera camera = RtspCamera.Start();

        using MediaSource source = await MediaSource.OpenAsync(camera.Url("tcp"), FastReconnect);

        Assert.That((source.Track.Codec, source.Track.Width, source.Track.Height), Is.EqualTo((VideoCodec.H264, 320, 240)));
    }

    [Test]
    public async Task Camera_that_drops_without_reconnect_ends_the_read_as_unreachable()
    {
        using RtspCamera camera = RtspCamera.Start();
        using MediaSource source = MediaSource.Open(camera.Url("tcp"), FastReconnect with { Reconnect = false });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int frames = 0;

        var error = Assert.ThrowsAsync<MediaSourceException>(async () =>
        {
            await foreach (Frame frame in source.ReadFramesAsync(timeout.Token))
            {
                if (++frames == 3)
                {
                    camera.Kill();
                }
            }
        });

        Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.Unreachable).Or.EqualTo(MediaErrorReason.Timeout));
        await Task.CompletedTask;
    }
}
