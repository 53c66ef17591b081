using KvsProducer.Media.Probe;

namespace KvsProducer.Media.Tests;

/// <summary>
/// linux-arm64: the probe app (arm64-probe/) is published for linux-arm64 with libkvsmedia.so
/// cross-built by native/cmake/aarch64-linux-gnu.cmake, run under qemu-aarch64-static, and must
/// report exactly what the same code reports here on x64 — passthrough and libx264 alike.
/// </summary>
[NonParallelizable]
public sealed class Arm64ProbeTests
{
    private const string Qemu = "/usr/bin/qemu-aarch64-static";

    [Test]
    public async Task Arm64_build_under_qemu_reads_a_recorded_clip_and_encodes_a_test_pattern_exactly_as_x64()
    {
        SkipUnlessCrossToolsPresent();
        string[] uris = ["file:" + TestData.Clip("clip.mp4"), "file:" + TestData.Clip("clip.ts"), "testsrc:?size=320x240&rate=25"];
        const int maxFrames = 30;
        string publishDirectory = ProbeApp.Publish("linux-arm64");

        string arm64 = ProbeApp.Run(Qemu, [Path.Combine(publishDirectory, "KvsMediaProbe"), maxFrames.ToString(System.Globalization.CultureInfo.InvariantCulture), .. uris], null, TimeSpan.FromMinutes(2)).Output;

        string x64 = string.Concat(await Task.WhenAll(uris.Select(uri => ProbeReport.WriteAsync(uri, maxFrames))));
        Assert.Multiple(() =>
        {
            Assert.That(arm64, Does.Contain("encoder=libx264"), "the test pattern must have been encoded on arm64");
            Assert.That(arm64, Is.EqualTo(x64));
        });
    }

    private static void SkipUnlessCrossToolsPresent()
    {
        string[] missing = new[] { Qemu, "/usr/bin/aarch64-linux-gnu-gcc", "/usr/lib/aarch64-linux-gnu/pkgconfig/libavformat.pc", "/usr/lib/aarch64-linux-gnu/pkgconfig/libswscale.pc" }
            .Where(path => !File.Exists(path)).ToArray();
        if (missing.Length > 0)
        {
            Assert.Ignore($"linux-arm64 cross tools are absent ({string.Join(", ", missing)}): dpkg --add-architecture arm64 && apt-get update && " +
                "apt-get install crossbuild-essential-arm64 libavcodec-dev:arm64 libavformat-dev:arm64 libavdevice-dev:arm64 libswscale-dev:arm64 qemu-user-static.");
        }
    }
}
