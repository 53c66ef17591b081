using System.Diagnostics;
using System.Globalization;

namespace KvsProducer.Media.Tests;

/// <summary>The oracle: what ffprobe (a separate program) says about a file's video packets.</summary>
internal static class Ffprobe
{
    public sealed record Packet(long? Pts, long? Dts, long Duration, bool Key, int Size);

    /// <summary>The packets of <paramref name="path"/>'s <paramref name="stream"/> (v:0, a:0) with times in 100 ns ticks.</summary>
    public static IReadOnlyList<Packet> Packets(string path, string stream = "v:0")
    {
        // A transport stream lists its streams under programs too: the first line is enough.
        string timeBase = Run("-v", "error", "-select_streams", stream, "-show_entries", "stream=time_base", "-of", "csv=p=0", path)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        string[] fraction = timeBase.Split('/');
        long num = long.Parse(fraction[0], CultureInfo.InvariantCulture);
        long den = long.Parse(fraction[1], CultureInfo.InvariantCulture);
        long? Ticks(string text) => text == "N/A" ? null : long.Parse(text, CultureInfo.InvariantCulture) * num * TimeSpan.TicksPerSecond / den;

        string csv = Run("-v", "error", "-select_streams", stream, "-show_entries", "packet=pts,dts,duration,flags,size", "-of", "csv=p=0", path);
        var packets = new List<Packet>();
        foreach (string line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Field order follows ffprobe's packet section: pts, dts, duration, size, flags.
            string[] f = line.Split(',');
            if (f.Length < 5)
            {
                continue;
            }

            packets.Add(new Packet(Ticks(f[0]), Ticks(f[1]), Ticks(f[2]) ?? 0, f[4].Contains('K', StringComparison.Ordinal), int.Parse(f[3], CultureInfo.InvariantCulture)));
        }

        return packets;
    }

    /// <summary>Frames decoded and key frames of an H.264 elementary stream, plus FFmpeg's decode errors.</summary>
    public static (int Frames, int KeyFrames, string Errors) Decode(string path)
    {
        string frames = Run("-v", "error", "-select_streams", "v:0", "-show_entries", "frame=key_frame", "-of", "csv=p=0", path);
        string[] lines = frames.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string errors = RunTool("ffmpeg", "-v", "error", "-i", path, "-f", "null", "-").Errors;
        return (lines.Length, lines.Count(l => l.StartsWith('1')), errors);
    }

    /// <summary>Codec name and packet count of every stream, as <c>ffprobe -count_packets</c> reads them.</summary>
    public static IReadOnlyList<(string Codec, int Packets)> Streams(string path)
    {
        string csv = Run("-v", "error", "-count_packets", "-show_entries", "stream=codec_name,nb_read_packets", "-of", "csv=p=0", path);
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(','))
            .Select(f => (f[0], int.Parse(f[1], CultureInfo.InvariantCulture)))
            .ToArray();
    }

    /// <summary>FFmpeg's errors decoding every stream of <paramref name="path"/> (empty: it all decodes).</summary>
    public static string DecodeErrors(string path) => RunTool("ffmpeg", "-v", "error", "-i", path, "-f", "null", "-").Errors;

    public static string Run(params string[] arguments)
    {
        (string output, string errors, int exitCode) = RunTool("ffprobe", arguments);
        Assert.That(exitCode, Is.Zero, $"ffprobe {string.Join(' ', arguments)} failed: {errors}");
        return output;
    }

    private static (string Output, string Errors, int ExitCode) RunTool(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (output, errors.Result, process.ExitCode);
    }
}
