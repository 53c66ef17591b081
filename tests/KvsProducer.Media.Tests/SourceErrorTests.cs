using System.Net;
using System.Net.Sockets;

namespace KvsProducer.Media.Tests;

/// <summary>Every way a source can be wrong gets its own reason and a message that says what to do.</summary>
public sealed class SourceErrorTests
{
    [Test]
    public void Missing_v4l2_device_is_not_found_and_names_the_device()
    {
        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("v4l2:///dev/video97?size=640x480&rate=30&format=mjpeg"));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.NotFound));
            Assert.That(error.Message, Does.Contain("/dev/video97").And.Contain("v4l2-ctl"));
        });
    }

    [Test]
    public void V4l2_format_other_than_h264_mjpeg_yuyv422_is_an_invalid_uri()
    {
        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("v4l2:///dev/video0?format=nv12"));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.InvalidUri));
            Assert.That(error.Message, Does.Contain("nv12").And.Contain("yuyv422"));
        });
    }

    [Test]
    public void Missing_file_is_not_found()
    {
        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("file:/nonexistent/clip.mp4"));

        Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.NotFound));
    }

    [Test]
    public void File_of_random_bytes_is_corrupt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kvsmedia-garbage-{Guid.NewGuid():N}.mp4");
        byte[] garbage = new byte[64 * 1024];
        new Random(6).NextBytes(garbage);
        File.WriteAllBytes(path, garbage);
        try
        {
            var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("file:" + path));

            Assert.Multiple(() =>
            {
                Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.Corrupt));
                Assert.That(error.Message, Does.Contain(path).And.Contain("ffprobe"));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Mp4_cut_before_its_index_is_corrupt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kvsmedia-truncated-{Guid.NewGuid():N}.mp4");
        byte[] clip = File.ReadAllBytes(TestData.Clip("clip.mp4"));
        File.WriteAllBytes(path, clip[..(clip.Length / 2)]); // ffmpeg writes the moov index at the end
        try
        {
            var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("file:" + path));

            Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.Corrupt));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void File_without_a_video_or_audio_track_is_an_unsupported_format()
    {
        // Subtitles only: nothing Kinesis Video Streams takes (an audio-only file opens as audio, AudioFileTests).
        string path = Path.Combine(Path.GetTempPath(), $"kvsmedia-subtitles-{Guid.NewGuid():N}.srt");
        File.WriteAllText(path, "1\n00:00:00,000 --> 00:00:01,000\nno picture, no sound\n\n");

        try
        {
            var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("file:" + path));

            Assert.Multiple(() =>
            {
                Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.UnsupportedFormat));
                Assert.That(error.Message, Does.Contain("no video and no audio track"));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Rtsp_port_where_nothing_listens_is_unreachable()
    {
        int port = FreePort();

        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open($"rtsp://127.0.0.1:{port}/cam"));

        Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.Unreachable));
    }

    [Test]
    public void Rtsp_server_that_never_answers_is_a_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        long start = TimeProvider.System.GetTimestamp();

        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open($"rtsp://127.0.0.1:{port}/cam", new MediaSourceOptions { OpenTimeout = TimeSpan.FromSeconds(1) }));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.Timeout));
            Assert.That(TimeProvider.System.GetElapsedTime(start), Is.LessThan(TimeSpan.FromSeconds(5)));
        });
    }

    [Test]
    public void Unknown_scheme_is_an_invalid_uri_listing_the_forms()
    {
        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("http://example/clip.mp4"));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(MediaErrorReason.InvalidUri));
            Assert.That(error.Message, Does.Contain("testsrc:").And.Contain("v4l2:").And.Contain("rtsp:").And.Contain("file:"));
        });
    }

    [Test]
    public void Frames_directory_is_refused_with_a_pointer_to_the_core()
    {
        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("frames:/tmp/frames?fps=25"));

        Assert.That(error!.Message, Does.Contain("ElementaryStreamSources"));
    }

    [Test]
    public void Test_pattern_size_that_is_not_w_x_h_is_an_invalid_uri()
    {
        var error = Assert.Throws<MediaSourceException>(() => MediaSource.Open("testsrc:?size=big"));

        Assert.That(error!.Message, Does.Contain("size=big").And.Contain("1280x720"));
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
