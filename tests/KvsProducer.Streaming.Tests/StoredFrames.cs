using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// What an endpoint stored for a stream, read back fragment by fragment with GetMediaForFragmentList and counted by
/// ffprobe (an independent reader): the presentation time of every stored video frame, duplicates included.
/// </summary>
internal static class StoredFrames
{
    /// <summary>The video packets' presentation times (ms) over every stored fragment, in ListFragments order.</summary>
    public static async Task<List<long>> ReadAsync(LocalKvsFixture local, string stream)
    {
        var times = new List<long>();
        var directory = Directory.CreateTempSubdirectory("kvs-readback-");
        try
        {
            foreach (var fragment in await local.ListFragmentsAsync(stream))
            {
                var number = fragment.GetProperty("FragmentNumber").GetString()!;
                using var response = await local.Http.PostAsJsonAsync("/getMediaForFragmentList", new Dictionary<string, object> { ["StreamName"] = stream, ["Fragments"] = new[] { number } });
                response.EnsureSuccessStatusCode();
                var file = Path.Combine(directory.FullName, number + ".mkv");
                await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
                times.AddRange(await PacketTimesAsync(file));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        return times;
    }

    private static async Task<IEnumerable<long>> PacketTimesAsync(string file)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", file })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, () => "ffprobe failed: " + stderr.Result);
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => (long)Math.Round(double.Parse(line.TrimEnd(','), CultureInfo.InvariantCulture) * 1000));
    }
}
