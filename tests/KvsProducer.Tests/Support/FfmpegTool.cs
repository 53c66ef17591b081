using System.Diagnostics;
using System.Globalization;

namespace KvsProducer.Tests.Support;

/// <summary>
/// Runs the installed ffmpeg / ffprobe from tests, bounded in time, failing with their stderr.
/// These tools are the independent oracle our packaging is checked against.
/// </summary>
internal static class FfmpegTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs ffmpeg quietly (<c>-hide_banner -loglevel error -y</c> prepended); returns stderr.</summary>
    public static string Ffmpeg(params string[] arguments) => Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", .. arguments]).StandardError;

    /// <summary>Runs ffmpeg with exactly these arguments and returns its stderr (for <c>-bsf:v trace_headers</c>).</summary>
    public static string FfmpegRaw(params string[] arguments) => Run("ffmpeg", ["-nostdin", .. arguments]).StandardError;

    /// <summary>
    /// Like <see cref="FfmpegRaw"/>, but returns stderr even when ffmpeg fails: a stream of parameter
    /// sets alone is traced, then refused by the muxer for lack of pictures.
    /// </summary>
    public static string FfmpegRawAllowingFailure(params string[] arguments) => Run("ffmpeg", ["-nostdin", .. arguments], requireSuccess: false).StandardError;

    /// <summary>Runs ffprobe (<c>-v error</c> prepended) and returns its stdout.</summary>
    public static string Ffprobe(params string[] arguments) => Run("ffprobe", ["-v", "error", .. arguments]).StandardOutput;

    /// <summary>
    /// The codec extradata (for MKV: the CodecPrivate) of the first video stream of <paramref name="path"/>,
    /// read from ffprobe's <c>-show_data</c> hex dump.
    /// </summary>
    public static byte[] Extradata(string path)
    {
        var output = Ffprobe("-select_streams", "v:0", "-show_streams", "-show_data", path);
        var bytes = new List<byte>();
        var inDump = false;
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("extradata=", StringComparison.Ordinal))
            {
                inDump = true;
                continue;
            }

            // Dump lines read "00000010: 3de6 f011 0000 ...  =............" (hex groups, two spaces, ASCII).
            if (!inDump || line.Length < 10 || line[8] != ':')
            {
                if (inDump)
                {
                    break;
                }

                continue;
            }

            var hexPart = line[10..];
            var end = hexPart.IndexOf("  ", StringComparison.Ordinal);
            var hex = (end < 0 ? hexPart : hexPart[..end]).Replace(" ", string.Empty, StringComparison.Ordinal);
            bytes.AddRange(Convert.FromHexString(hex));
        }

        return [.. bytes];
    }

    /// <summary>ffprobe's <c>stream=KEY</c> entry of the first video stream, e.g. "width".</summary>
    public static string StreamEntry(string path, string key) =>
        Ffprobe("-select_streams", "v:0", "-show_entries", "stream=" + key, "-of", "default=noprint_wrappers=1:nokey=1", path).Trim();

    /// <summary>The packet presentation times of the first video stream, in stream time-base units, in file (decoding) order.</summary>
    public static IReadOnlyList<long> PacketPresentationTimestamps(string path) =>
        [.. Ffprobe("-select_streams", "v:0", "-show_entries", "packet=pts", "-of", "csv=p=0", path)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(value => long.Parse(value, CultureInfo.InvariantCulture))];

    /// <summary>A fresh directory under the system temp folder; the caller deletes it.</summary>
    public static string CreateTemporaryDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "kvsproducer-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Runs <paramref name="tool"/> (any installed program, e.g. mkvinfo), failing with its stderr on a
    /// non-zero exit unless <paramref name="requireSuccess"/> is false.
    /// </summary>
    public static (string StandardOutput, string StandardError) Run(string tool, string[] arguments, bool requireSuccess = true)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} could not be started: is it installed?");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds} s.");
        }

        process.WaitForExit();
        if (requireSuccess && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}");
        }

        return (stdout.Result, stderr.Result);
    }
}
