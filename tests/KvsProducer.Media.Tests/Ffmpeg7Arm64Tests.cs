using System.Globalization;
using KvsProducer.Media.Probe;

namespace KvsProducer.Media.Tests;

/// <summary>
/// The FFmpeg 7.1 build on linux-arm64: the self-contained arm64 probe app runs once under
/// qemu-aarch64-static against Debian 13's arm64 FFmpeg 7.1 runtime (unpacked, not installed), where
/// the locator must pick the arm64 libkvsmedia-ffmpeg7.so, pass clips through and encode a test pattern.
/// </summary>
[NonParallelizable]
public sealed class Ffmpeg7Arm64Tests
{
    private const string Qemu = "/usr/bin/qemu-aarch64-static";
    private const int MaxFrames = 30;
    private static readonly string[] Uris = ["file:" + TestData.Clip("clip.mp4"), "file:" + TestData.Clip("clip.ts"), "testsrc:?size=320x240&rate=25"];

    private string[] _sections = [];
    private string _native = "";

    [OneTimeSetUp]
    public void RunTheArm64ProbeAgainstFfmpeg7UnderQemu()
    {
        if (!File.Exists(Qemu) || !File.Exists("/usr/bin/aarch64-linux-gnu-gcc"))
        {
            Assert.Ignore("linux-arm64 cross tools are absent: apt-get install crossbuild-essential-arm64 qemu-user-static.");
        }

        Ffmpeg7Runtime runtime = Ffmpeg7Runtime.For("arm64");
        string probe = runtime.PatchedProbe(ProbeApp.Publish("linux-arm64"));
        var environment = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = runtime.LibraryPath };
        (string output, string errors) = ProbeApp.Run(Qemu, [probe, MaxFrames.ToString(CultureInfo.InvariantCulture), .. Uris], environment, TimeSpan.FromMinutes(3));
        _sections = Ffmpeg7Runtime.Sections(output);
        _native = errors;
    }

    [Test]
    public void The_locator_loads_the_arm64_ffmpeg7_build_where_only_FFmpeg_7_libraries_exist()
    {
        string[] mapped = _native.Split(' ', '\n');
        Assert.That(mapped, Does.Contain("libkvsmedia-ffmpeg7.so").And.Contain("libavformat.so.61.7.103").And.No.EqualTo("libkvsmedia.so"));
    }

    [TestCase(0, "clip.mp4")]
    [TestCase(1, "clip.ts")]
    public async Task A_recorded_H264_clip_passes_through_the_arm64_ffmpeg7_build_exactly_as_through_the_x64_ffmpeg5_build(int section, string clip)
    {
        string x64 = await ProbeReport.WriteAsync("file:" + TestData.Clip(clip), MaxFrames);

        Assert.That(_sections, Has.Length.EqualTo(Uris.Length));
        Assert.That(_sections[section], Is.EqualTo(x64));
    }

    [Test]
    public void A_test_pattern_is_encoded_to_H264_by_the_arm64_ffmpeg7_build()
    {
        Assert.That(_sections, Has.Length.EqualTo(Uris.Length));
        string[] lines = _sections[2].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.StartWith("track H264").And.Contain("encoder=libx264"));
            Assert.That(lines, Has.Length.EqualTo(MaxFrames + 1), "a track line and every frame");
            Assert.That(lines[1], Does.Contain("key=1"), "the stream starts at a key frame");
        });
    }
}
