using System.Globalization;
using System.Text.Json;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>
/// Issue 10 §1: GetMedia NOW on a live retention-0 stream, read by boto3 (Debian python3-boto3):
/// the response starts before any fragment exists, the first bytes follow the producer within a
/// second, and what it read parses with mkvinfo and ffprobe.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LiveGetMediaTests
{
    [Test]
    public async Task Boto3_GetMedia_NOW_on_a_live_retention_0_stream_gets_its_first_bytes_within_a_second()
    {
        string work = Directory.CreateTempSubdirectory("kvs-live-").FullName;
        try
        {
            await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { LoggerFactory = TestLog.Factory });
            using (var api = new KvsApi(kvs.Url))
            {
                await api.CreateStreamAsync("live0", retentionHours: 0);
            }

            string mkv = await RecordedMkv.PackageAsync(Path.Combine(work, "clip.mkv"));
            string output = Path.Combine(work, "read.mkv");
            string ready = Path.Combine(work, "ready");
            Task<ExternalProcess> reader = ExternalProcess.RunAsync(
                "/usr/bin/python3",
                [Path.Combine(RecordedMkv.RepositoryRoot(), "tests", "clients", "python", "get_media_now.py"), kvs.Url.ToString(), "live0", output, ready],
                TimeSpan.FromSeconds(60),
                new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "AKIDLIVE", ["AWS_SECRET_ACCESS_KEY"] = "live-secret", ["AWS_DEFAULT_REGION"] = "us-west-2" });
            await WaitForFileAsync(ready, reader);

            // The producer starts only once GetMedia has answered: NOW found no fragment at all.
            double uploadStarted = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            await using (PutMediaUpload upload = await PutMediaUpload.StartAsync(kvs.Url, "live0"))
            {
                byte[] bytes = await File.ReadAllBytesAsync(mkv);
                for (int offset = 0; offset < bytes.Length; offset += 8 * 1024)
                {
                    await upload.Connection.SendChunkAsync(bytes[offset..Math.Min(bytes.Length, offset + (8 * 1024))]);
                    await Task.Delay(100);
                }

                await upload.EndAsync();
                await upload.AcksUntilEndAsync();
            }

            ExternalProcess result = await reader;
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
            TestContext.Out.WriteLine($"boto3: {result.Stdout.Trim()} (upload began at {uploadStarted:F3})");
            using JsonDocument report = JsonDocument.Parse(result.Stdout);
            double started = report.RootElement.GetProperty("started_seconds").GetDouble();
            double firstByte = report.RootElement.GetProperty("first_byte_at").GetDouble();
            Assert.That(started, Is.LessThan(1.0), "GetMedia did not answer at once on an idle stream");
            Assert.That(firstByte - uploadStarted, Is.LessThan(1.0), string.Create(CultureInfo.InvariantCulture, $"first byte {firstByte - uploadStarted:F3} s after the upload began"));
            Assert.That(report.RootElement.GetProperty("content_type").GetString(), Is.EqualTo("video/webm"));

            ExternalProcess mkvinfo = await ExternalProcess.RunAsync("mkvinfo", [output], TimeSpan.FromSeconds(30));
            Assert.That(mkvinfo.ExitCode, Is.EqualTo(0), mkvinfo.Stdout + mkvinfo.Stderr);
            Assert.That(mkvinfo.Stdout, Does.Contain("AWS_KINESISVIDEO_FRAGMENT_NUMBER"));
            ExternalProcess ffprobe = await ExternalProcess.RunAsync("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", output], TimeSpan.FromSeconds(30));
            Assert.That(ffprobe.ExitCode, Is.EqualTo(0), ffprobe.Stderr);
            TestContext.Out.WriteLine($"ffprobe: {ffprobe.Stdout.Trim()}");
            string[] fields = ffprobe.Stdout.Trim().Split(',');
            Assert.That(fields[0], Is.EqualTo("h264"));
            Assert.That(int.Parse(fields[1], CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(25), "less than one fragment's frames decoded");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task WaitForFileAsync(string path, Task<ExternalProcess> process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!File.Exists(path))
        {
            if (process.IsCompleted)
            {
                ExternalProcess failed = await process;
                Assert.Fail($"the reader exited {failed.ExitCode} before GetMedia answered: {failed.Stderr}");
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
