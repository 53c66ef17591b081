using System.Diagnostics;
using System.Globalization;
using KvsProducer.Cli;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// <c>kvs upload</c> / <c>kvs stream</c> with audio (issue 12) to the local endpoint, read back with
/// <c>kvs get-media</c>; ffprobe (a program we did not write) counts the packets of both tracks.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class CliAudioStreamingTests
{
    private static Task<int> Kvs(params string[] arguments) => Program.BuildRoot().Parse(arguments).InvokeAsync();

    [Test, CancelAfter(60_000)]
    public async Task Uploaded_mp4_with_h264_and_aac_reads_back_with_both_tracks_and_every_packet()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var clip = RecordedClip.PathOf("h264-aac-640x480.mp4");
        var exit = await Kvs("upload", "--source", "file:" + clip, "--stream", "cli-av", "--create", "--fragment-duration", "1s",
            "--start-time", "2026-11-24T10:00:00Z", "--endpoint", local.Kvs.Url.ToString(), "--access-key", "AKIDTEST", "--secret-key", "secret");
        Assert.That(exit, Is.Zero);

        var readBack = Path.Combine(Path.GetTempPath(), $"cli-av-{Guid.NewGuid():N}.mkv");
        try
        {
            Assert.That(await Kvs("get-media", "--stream", "cli-av", "--output", readBack, "--endpoint", local.Kvs.Url.ToString(),
                "--access-key", "AKIDTEST", "--secret-key", "secret", "--idle-seconds", "0.5"), Is.Zero);

            var input = Streams(clip);
            Assert.Multiple(() =>
            {
                // The AAC priming packet before the first key frame (-21 ms) is not sent, as the official SDKs skip it.
                Assert.That(Streams(readBack), Is.EqualTo(new[] { input[0], (input[1].Codec, input[1].Packets - 1) }));
                // GetMedia concatenates one MKV segment per fragment: ffmpeg notes each new unknown-length
                // Segment (ID 0x18538067), and must say nothing else.
                Assert.That(Run("ffmpeg", "-v", "error", "-i", readBack, "-f", "null", "-").Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Where(line => !line.Contains("unknown-length element with ID 0x18538067", StringComparison.Ordinal)), Is.Empty);
            });
        }
        finally
        {
            File.Delete(readBack);
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task Streamed_test_tone_alone_is_stored_in_fragments_cut_by_duration()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var exit = await Kvs("stream", "--source", "sine:?rate=16000&channels=1&codec=aac", "--duration", "3s", "--stream", "cli-tone", "--create",
            "--fragment-duration", "1s", "--endpoint", local.Kvs.Url.ToString(), "--access-key", "AKIDTEST", "--secret-key", "secret");

        Assert.That(exit, Is.Zero);
        var fragments = await local.ListFragmentsAsync("cli-tone");
        Assert.That(fragments, Has.Count.InRange(3, 4), "3 s of audio in 1 s fragments (the priming frame may open a fourth)");
    }

    private static (string Codec, int Packets)[] Streams(string path) =>
        Run("ffprobe", "-v", "error", "-count_packets", "-show_entries", "stream=codec_name,nb_read_packets", "-of", "csv=p=0", path).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(','))
            .Select(f => (f[0], int.Parse(f[1], CultureInfo.InvariantCulture)))
            .ToArray();

    private static (string Output, string Errors) Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{tool} failed: {errors.Result}");
        return (output, errors.Result);
    }
}
