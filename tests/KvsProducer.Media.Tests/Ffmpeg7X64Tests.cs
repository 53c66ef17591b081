using System.Globalization;
using KvsProducer.Media.Probe;

namespace KvsProducer.Media.Tests;

/// <summary>
/// The FFmpeg 7.1 build on linux-x64: the probe app runs once, in a child process against Debian 13's
/// FFmpeg 7.1 runtime (unpacked, not installed; <see cref="Ffmpeg7Runtime"/>), where the locator must
/// pick libkvsmedia-ffmpeg7.so and read, decode and encode real clips from tests/data.
/// </summary>
[NonParallelizable]
public sealed class Ffmpeg7X64Tests
{
    private const int MaxFrames = 30;
    private static readonly string[] Uris =
        ["file:" + TestData.Clip("clip.mp4"), "file:" + TestData.Clip("clip.ts"), "file:" + TestData.Clip("clip-mjpeg.mkv"),
         "file:" + TestData.Clip("h264-aac-640x480.mp4"), "file:" + TestData.Clip("opus-48k-stereo.opus")];

    private string[] _sections = [];
    private string _native = "";

    [OneTimeSetUp]
    public void RunTheProbeAgainstFfmpeg7()
    {
        Ffmpeg7Runtime runtime = Ffmpeg7Runtime.For("amd64");
        string probe = runtime.PatchedProbe(ProbeApp.Publish("linux-x64"));
        // The framework-dependent apphost finds the runtime this test host runs on.
        string dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var environment = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = runtime.LibraryPath, ["DOTNET_ROOT"] = dotnetRoot };
        (string output, string errors) = ProbeApp.Run(probe, [MaxFrames.ToString(CultureInfo.InvariantCulture), .. Uris], environment, TimeSpan.FromMinutes(2));
        _sections = Ffmpeg7Runtime.Sections(output);
        _native = errors;
    }

    [Test]
    public void The_locator_loads_the_ffmpeg7_build_where_only_FFmpeg_7_libraries_exist()
    {
        string[] mapped = _native.Split(' ', '\n');
        Assert.That(mapped, Does.Contain("libkvsmedia-ffmpeg7.so").And.Contain("libavformat.so.61.7.103").And.No.EqualTo("libkvsmedia.so"));
    }

    [TestCase(0, "clip.mp4")]
    [TestCase(1, "clip.ts")]
    [TestCase(3, "h264-aac-640x480.mp4")]
    public async Task A_recorded_H264_clip_passes_through_the_ffmpeg7_build_exactly_as_through_the_ffmpeg5_build(int section, string clip)
    {
        string ffmpeg5 = await ProbeReport.WriteAsync("file:" + TestData.Clip(clip), MaxFrames);

        Assert.That(_sections, Has.Length.EqualTo(Uris.Length));
        Assert.That(_sections[section], Is.EqualTo(ffmpeg5));
    }

    [Test]
    public void An_MJPEG_clip_is_decoded_and_encoded_to_H264_by_the_ffmpeg7_build()
    {
        const int clipFrames = 20; // ffprobe -count_frames tests/data/media/clip-mjpeg.mkv
        Assert.That(_sections, Has.Length.EqualTo(Uris.Length));
        string[] lines = _sections[2].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.StartWith("track H264").And.Contain("encoder=libx264"));
            Assert.That(lines, Has.Length.EqualTo(clipFrames + 1), "a track line and every frame of the clip");
            Assert.That(lines[1], Does.Contain("key=1"), "the stream starts at a key frame");
        });
    }

    [Test]
    public void An_Opus_file_is_decoded_resampled_and_encoded_to_AAC_by_the_ffmpeg7_build()
    {
        Assert.That(_sections, Has.Length.EqualTo(Uris.Length));
        string[] lines = _sections[4].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Frames 1024 samples at 48 kHz apart: 213333 ticks (rounded per frame).
        long[] dts = lines.Skip(1).Select(l => long.Parse(l.Split(' ')[2]["dts=".Length..], CultureInfo.InvariantCulture)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.StartWith("track Aac 48000Hz 2ch encoder=aac"));
            Assert.That(lines, Has.Length.EqualTo(MaxFrames + 1));
            Assert.That(dts.Zip(dts.Skip(1), (a, b) => b - a), Is.All.InRange(213_333, 213_334));
        });
    }
}
