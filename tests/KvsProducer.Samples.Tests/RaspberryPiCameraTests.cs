using System.Text.RegularExpressions;
using KvsProducer.Streaming.Tests;

namespace KvsProducer.Samples.Tests;

/// <summary>
/// samples/RaspberryPiCamera, the hosted worker: its appsettings.json overridden from the environment
/// (a test pattern instead of /dev/video0, the local endpoint), stopped the way systemd stops it.
/// </summary>
[Parallelizable(ParallelScope.All)]
public partial class RaspberryPiCameraTests
{
    [TestCase("TERM")]
    [TestCase("INT")]
    public async Task The_worker_streams_until_signalled_then_drains_so_every_fragment_put_is_persisted(string signal)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var stream = "pi-camera-" + signal.ToLowerInvariant();
        using var sample = SampleProcess.Start("RaspberryPiCamera", [], new Dictionary<string, string>
        {
            ["Camera__Source"] = "testsrc:?size=320x240&rate=25",
            ["Camera__Encoder"] = "Libx264",
            ["Camera__Bitrate"] = "0",
            ["Kvs__Producer__ServiceUrl"] = local.Kvs.Url.ToString(),
            ["Kvs__Producer__AccessKey"] = "AKIDSAMPLETEST",
            ["Kvs__Producer__SecretKey"] = "sample-secret",
            ["Kvs__Stream__Name"] = stream,
            ["Kvs__Stream__FragmentDuration"] = "1s",
        });
        await local.WaitForFragmentsAsync(stream, 2, sample, TimeSpan.FromSeconds(20));

        var exit = await sample.StopAsync(signal, TimeSpan.FromSeconds(30));

        Assert.That(exit, Is.Zero, sample.Output);
        var stopped = StoppedLine().Match(sample.Output);
        Assert.That(stopped.Success, Is.True, "the worker logs its drained stream: " + sample.Output);
        var fragments = await local.FragmentsAsync(stream);
        Assert.That(fragments, Has.Count.EqualTo(int.Parse(stopped.Groups["persisted"].Value, System.Globalization.CultureInfo.InvariantCulture)),
            "every fragment stored was acknowledged PERSISTED before the process exited");
        Assert.That(fragments, Has.Count.GreaterThanOrEqualTo(3), "the fragments stored before the signal, and the last one drained after it");
    }

    [Test]
    public async Task The_worker_streams_the_camera_module_through_a_stand_in_rpicam_vid_and_drains_on_stop()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        const string stream = "pi-camera-module";
        // stand-in-rpicam-vid.sh writes a recorded clip as rpicam-vid -t 0 --inline -o - writes the camera's H.264;
        // restart=always starts it again at the end of the clip, so it runs on like the real camera.
        var standIn = Path.Combine(Repository.Root, "tests", "KvsProducer.Tests", "Sources", "stand-in-rpicam-vid.sh");
        using var sample = SampleProcess.Start("RaspberryPiCamera", [], new Dictionary<string, string>
        {
            ["Camera__Source"] = $"exec:sh '{standIn}' '{Repository.Data("media/clip.h264")}' 25?fps=25&restart=always",
            ["Kvs__Producer__ServiceUrl"] = local.Kvs.Url.ToString(),
            ["Kvs__Producer__AccessKey"] = "AKIDSAMPLETEST",
            ["Kvs__Producer__SecretKey"] = "sample-secret",
            ["Kvs__Stream__Name"] = stream,
            ["Kvs__Stream__FragmentDuration"] = "1s",
        });
        await local.WaitForFragmentsAsync(stream, 2, sample, TimeSpan.FromSeconds(20));

        var exit = await sample.StopAsync("TERM", TimeSpan.FromSeconds(30));

        Assert.That(exit, Is.Zero, sample.Output);
        Assert.That(sample.Output, Does.Contain("Streaming exec:sh").And.Contain("(passthrough)"));
        var stopped = StoppedLine().Match(sample.Output);
        Assert.That(stopped.Success, Is.True, "the worker logs its drained stream: " + sample.Output);
        Assert.That(await local.FragmentsAsync(stream), Has.Count.EqualTo(int.Parse(stopped.Groups["persisted"].Value, System.Globalization.CultureInfo.InvariantCulture)).And.Count.GreaterThanOrEqualTo(2));
    }

    [Test, CancelAfter(30_000)]
    public async Task A_misconfigured_stream_stops_the_worker_with_the_key_named()
    {
        using var sample = SampleProcess.Start("RaspberryPiCamera", [], new Dictionary<string, string>
        {
            ["Kvs__Producer__ServiceUrl"] = "http://127.0.0.1:9",
            ["Kvs__Producer__AccessKey"] = "AKIDSAMPLETEST",
            ["Kvs__Producer__SecretKey"] = "sample-secret",
            ["Kvs__Stream__FragmentDuration"] = "two seconds",
        });

        var exit = await sample.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.That(exit, Is.Not.Zero);
        Assert.That(sample.Output, Does.Contain("'two seconds' at 'Kvs:Stream:FragmentDuration' is invalid"));
    }

    [GeneratedRegex(@"Stopped [\w-]+: \d+ frames put, (?<persisted>\d+) fragments persisted")]
    private static partial Regex StoppedLine();
}
