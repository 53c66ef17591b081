using System.Diagnostics;

namespace KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

/// <summary>ffprobe (FFmpeg 5.1, Debian) as an independent reader of what the endpoint serves.</summary>
internal static class Ffprobe
{
    /// <summary>Decodes the first video stream of <paramref name="input"/> and counts its frames.</summary>
    public static async Task<int> CountFramesAsync(string input, params string[] inputOptions)
    {
        string output = await RunAsync([.. inputOptions, "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", input]);
        return int.Parse(output.Trim().Split('\n')[0].Trim().TrimEnd(','), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Width x height and codec of the first video stream.</summary>
    public static async Task<string> VideoStreamAsync(string input, params string[] inputOptions) =>
        // HLS inputs list the stream once per program and once overall: the first line is enough.
        (await RunAsync([.. inputOptions, "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", input])).Trim().Split('\n')[0].Trim();

    public static async Task<string> RunAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, () => "ffprobe failed: " + stderr.Result);
        return await stdout;
    }
}
