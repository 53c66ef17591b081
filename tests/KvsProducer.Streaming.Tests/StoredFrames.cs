using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// What the endpoint stored for a stream, read back as MKV (GetMediaForFragmentList over every listed fragment) and
/// counted by ffprobe, a reader we did not write: the presentation time (ms) of every frame stored, duplicates included.
/// </summary>
internal static class StoredFrames
{
    public static async Task<List<long>> ReadAsync(LocalKvsFixture local, string stream, CancellationToken cancellationToken)
    {
        var fragments = (await local.ListFragmentsAsync(stream))
            .OrderBy(f => f.GetProperty("ProducerTimestamp").GetDouble())
            .Select(f => f.GetProperty("FragmentNumber").GetString()!)
            .ToList();
        if (fragments.Count == 0)
        {
            return [];
        }

        using var response = await local.Http.PostAsJsonAsync("/getMediaForFragmentList", new Dictionary<string, object> { ["StreamName"] = stream, ["Fragments"] = fragments }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var mkv = Path.Combine(Path.GetTempPath(), $"kvs-stored-{Guid.NewGuid():N}.mkv");
        try
        {
            await File.WriteAllBytesAsync(mkv, await response.Content.ReadAsByteArrayAsync(cancellationToken), cancellationToken);
            var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts", "-of", "csv=p=0", mkv })
            {
                start.ArgumentList.Add(argument);
            }

            using var ffprobe = Process.Start(start)!;
            var output = ffprobe.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = ffprobe.StandardError.ReadToEndAsync(cancellationToken);
            await ffprobe.WaitForExitAsync(cancellationToken);
            Assert.That(ffprobe.ExitCode, Is.Zero, await errors);
            return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => long.Parse(line.TrimEnd(','), CultureInfo.InvariantCulture))
                .ToList();
        }
        finally
        {
            File.Delete(mkv);
        }
    }
}
