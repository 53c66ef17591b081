using System.Buffers;

namespace KvsProducer.Media.Tests;

/// <summary>MediaSource frames go straight into the core's MkvFragmenter, and FFmpeg plays the result.</summary>
public sealed class MkvPackagingTests
{
    [TestCase("file:clip.mp4")]
    [TestCase("file:clip.mkv")]
    [TestCase("file:clip.ts")]
    [TestCase("file:clip-h265.mkv")]
    [TestCase("testsrc:?size=320x240&rate=25")]
    public async Task Frames_packaged_by_the_core_decode_without_errors_frame_for_frame(string uri)
    {
        if (uri.StartsWith("file:", StringComparison.Ordinal))
        {
            uri = "file:" + TestData.Clip(uri["file:".Length..]);
        }

        using MediaSource source = MediaSource.Open(uri, new MediaSourceOptions { Encoder = H264Encoder.Libx264, KeyFrameInterval = TimeSpan.FromSeconds(1) });
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [source.Track], FragmentDuration = TimeSpan.FromSeconds(1) });
        var output = new ArrayBufferWriter<byte>();
        int frames = 0;
        int keyFrames = 0;
        await foreach (Frame frame in source.ReadFramesAsync())
        {
            fragmenter.Write(frame, output);
            keyFrames += frame.IsKeyFrame ? 1 : 0;
            if (++frames == 50)
            {
                break;
            }
        }

        string path = Path.Combine(Path.GetTempPath(), $"kvsmedia-packaged-{Guid.NewGuid():N}.mkv");
        try
        {
            await File.WriteAllBytesAsync(path, output.WrittenMemory.ToArray());

            (int decoded, int decodedKeyFrames, string errors) = Ffprobe.Decode(path);

            Assert.Multiple(() =>
            {
                Assert.That(errors, Is.Empty);
                Assert.That(decoded, Is.EqualTo(frames));
                Assert.That(decodedKeyFrames, Is.EqualTo(keyFrames));
                Assert.That(fragmenter.FragmentsStarted, Is.EqualTo(keyFrames));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
