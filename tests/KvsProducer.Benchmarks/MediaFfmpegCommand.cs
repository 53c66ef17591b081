using System.Diagnostics;

namespace KvsProducer.Benchmarks;

/// <summary>Runs the <c>ffmpeg</c> command the media benchmarks compare against.</summary>
internal static class MediaFfmpegCommand
{
    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed: {errors}");
        }
    }
}
