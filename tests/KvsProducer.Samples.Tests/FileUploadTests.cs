using System.Globalization;
using KvsProducer.Streaming.Tests;

namespace KvsProducer.Samples.Tests;

/// <summary>samples/FileUpload: an Offline upload of a recorded clip that keeps the clip's timestamps.</summary>
[Parallelizable(ParallelScope.All)]
public class FileUploadTests
{
    [Test, CancelAfter(60_000)]
    public async Task FileUpload_stores_every_fragment_of_a_recording_at_its_original_times_from_the_start_time()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        const string start = "2026-11-24T10:00:00Z";
        using var sample = SampleProcess.Start("FileUpload",
            [Repository.Data("media/clip.mkv"), "--stream", "upload-test", "--start-time", start, "--endpoint", local.Kvs.Url.ToString()],
            local.AwsEnvironment());

        var exit = await sample.WaitForExitAsync(TimeSpan.FromSeconds(40));

        Assert.That(exit, Is.Zero, sample.Output);
        var keyFrames = KeyFrameTimes(Repository.Data("media/clip.mkv"));
        Assert.That(sample.Output, Does.Contain("Uploaded 50 frames").And.Contain($"{keyFrames.Count} fragments persisted"));
        var startSeconds = DateTimeOffset.Parse(start, CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        var fragments = await local.FragmentsAsync("upload-test");
        Assert.That(fragments.Select(f => f.ProducerTimestamp()).Order(), Is.EqualTo(keyFrames.Select(t => startSeconds + t)).Within(0.0005),
            "one fragment per key frame of the clip (ffprobe's times), counted from --start-time");
    }

    /// <summary>The clip's key-frame times in seconds, as ffprobe reads them (x264 adds key frames at scene cuts).</summary>
    private static List<double> KeyFrameTimes(string clip)
    {
        using var ffprobe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ffprobe",
            ["-v", "error", "-select_streams", "v", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", clip]) { RedirectStandardOutput = true })!;
        var lines = ffprobe.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ffprobe.WaitForExit();
        return lines.Where(line => line.Contains(",K", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
    }

    [Test, CancelAfter(30_000)]
    public async Task FileUpload_of_a_missing_file_exits_with_code_2_and_says_what_to_give()
    {
        using var sample = SampleProcess.Start("FileUpload", ["/nonexistent/clip.mp4", "--stream", "nowhere"], new Dictionary<string, string>());

        var exit = await sample.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(sample.Output, Does.Contain("'/nonexistent/clip.mp4' does not exist"));
    }
}
