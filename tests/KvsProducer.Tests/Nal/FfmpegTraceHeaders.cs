using System.Globalization;
using System.Text.RegularExpressions;

namespace KvsProducer.Tests.Nal;

/// <summary>
/// The syntax elements ffmpeg's <c>trace_headers</c> bitstream filter prints for each parameter set
/// (<c>ffmpeg -i in.h264 -c copy -bsf:v trace_headers -f null -</c>): the oracle our parsers are
/// compared with.
/// </summary>
internal static partial class FfmpegTraceHeaders
{
    /// <summary>The fields of the first structure named <paramref name="structure"/> ("Sequence Parameter Set").</summary>
    public static IReadOnlyDictionary<string, long> FirstStructure(string file, string structure, string? inputFormat = null) =>
        FirstStructureFields(file, structure, inputFormat).GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    /// <summary>The syntax elements of the first structure named <paramref name="structure"/>, in bitstream order with their bits.</summary>
    /// <param name="file">The elementary stream.</param>
    /// <param name="structure">The structure's name as ffmpeg prints it.</param>
    /// <param name="inputFormat">"h264" to skip probing (a lone SPS does not look like a stream to the prober).</param>
    public static IReadOnlyList<(string Name, string Bits, long Value)> FirstStructureFields(string file, string structure, string? inputFormat = null)
    {
        string[] format = inputFormat is null ? [] : ["-f", inputFormat];
        var trace = Support.FfmpegTool.FfmpegRawAllowingFailure(["-hide_banner", .. format, "-i", file, "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-"]);
        var fields = new List<(string Name, string Bits, long Value)>();
        var inside = false;
        foreach (var line in trace.Split('\n'))
        {
            var bracket = line.IndexOf("] ", StringComparison.Ordinal);
            if (!line.StartsWith("[trace_headers", StringComparison.Ordinal) || bracket < 0)
            {
                continue;
            }

            var text = line[(bracket + 2)..].Trim();
            var field = FieldLine().Match(text);
            if (!field.Success)
            {
                if (inside)
                {
                    break;
                }

                inside = text == structure;
                continue;
            }

            if (inside)
            {
                fields.Add((field.Groups[1].Value, field.Groups[2].Value, long.Parse(field.Groups[3].Value, CultureInfo.InvariantCulture)));
            }
        }

        if (fields.Count == 0)
        {
            throw new InvalidOperationException($"ffmpeg's trace of {file} has no '{structure}':\n{trace[Math.Max(0, trace.Length - 2000)..]}");
        }

        return fields;
    }

    [GeneratedRegex(@"^\d+\s+(\S+)\s+([01]+) = (-?\d+)$")]
    private static partial Regex FieldLine();
}
