using KvsProducer.Streaming.Tests;

namespace KvsProducer.Samples.Tests;

/// <summary>samples/RtspCameras: two GStreamer RTSP cameras into two streams through one producer, one camera restarting.</summary>
[Parallelizable(ParallelScope.All)]
public class RtspCamerasTests
{
    [Test, CancelAfter(60_000)]
    public async Task Two_cameras_stream_into_two_streams_and_a_restarted_camera_carries_on_in_its_stream()
    {
        RtspTestCamera.SkipUnlessAvailable();
        await using var local = await LocalKvsFixture.StartAsync();
        using var entrance = RtspTestCamera.Start();
        using var yard = RtspTestCamera.Start();
        using var sample = SampleProcess.Start("RtspCameras", [], new Dictionary<string, string>
        {
            ["Kvs__Producer__ServiceUrl"] = local.Kvs.Url.ToString(),
            ["Kvs__Producer__AccessKey"] = "AKIDSAMPLETEST",
            ["Kvs__Producer__SecretKey"] = "sample-secret",
            ["Cameras__0__Name"] = "entrance-test",
            ["Cameras__0__Source"] = entrance.Url,
            ["Cameras__0__FragmentDuration"] = "1s",
            ["Cameras__1__Name"] = "yard-test",
            ["Cameras__1__Source"] = yard.Url,
            ["Cameras__1__FragmentDuration"] = "1s",
        });
        await local.WaitForFragmentsAsync("entrance-test", 2, sample, TimeSpan.FromSeconds(20));
        await local.WaitForFragmentsAsync("yard-test", 2, sample, TimeSpan.FromSeconds(20));

        entrance.Kill();
        entrance.Launch();
        var beforeRestart = (await local.FragmentsAsync("entrance-test")).Count;
        await local.WaitForFragmentsAsync("entrance-test", beforeRestart + 2, sample, TimeSpan.FromSeconds(20));
        var exit = await sample.StopAsync("TERM", TimeSpan.FromSeconds(30));

        Assert.That(exit, Is.Zero, sample.Output);
        Assert.That(sample.Output, Does.Contain("Stopped entrance-test:").And.Contain("Stopped yard-test:"));
        Assert.That(sample.Output, Does.Match(@"Stopped entrance-test: \d+ frames put, [1-9]\d* camera reconnects"), "the entrance camera was reconnected, in the same stream");
        var timestamps = (await local.FragmentsAsync("entrance-test")).Select(f => f.ProducerTimestamp()).Order().ToList();
        Assert.That(timestamps, Is.Unique, "timestamps continue after the reconnect instead of restarting");
    }
}
