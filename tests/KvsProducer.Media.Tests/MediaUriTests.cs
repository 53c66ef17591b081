using KvsProducer.Media.Internal;

namespace KvsProducer.Media.Tests;

/// <summary>What each URI form gives FFmpeg.</summary>
public sealed class MediaUriTests
{
    [Test]
    public void Rtsp_transport_parameter_is_ours_and_other_parameters_stay_with_the_camera()
    {
        SourceSpec spec = MediaUri.Parse("rtsp://admin:secret@cam.local:8554/live?channel=2&transport=udp", MediaSourceOptions.Default);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Url, Is.EqualTo("rtsp://admin:secret@cam.local:8554/live?channel=2"));
            Assert.That(spec.Options, Is.EqualTo(new[] { new KeyValuePair<string, string>("rtsp_transport", "udp") }));
            Assert.That(spec.DisplayName, Is.EqualTo("rtsp://admin:***@cam.local:8554/live?channel=2&transport=udp"));
        });
    }

    [Test]
    public void V4l2_parameters_become_device_options()
    {
        SourceSpec spec = MediaUri.Parse("v4l2:///dev/video0?size=1280x720&rate=30&format=h264", MediaSourceOptions.Default);

        Assert.That(spec.Options, Is.EqualTo(new KeyValuePair<string, string>[] { new("video_size", "1280x720"), new("framerate", "30"), new("input_format", "h264") }));
    }

    [Test]
    public void Options_size_and_rate_override_the_uri()
    {
        SourceSpec spec = MediaUri.Parse("testsrc:?size=1280x720&rate=30", new MediaSourceOptions { Width = 640, Height = 360, FrameRate = 15 });

        Assert.That(spec.Url, Is.EqualTo("testsrc2=size=640x360:rate=15"));
    }
}
