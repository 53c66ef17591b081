using System.Globalization;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>
/// Issue 10 §1/§4: the official C producer's PutMedia over HTTPS with signatures checked. curl (as
/// Debian builds it, offering ALPN h2) signs with <c>--aws-sigv4</c> the header list the C SDK
/// signs, including <c>connection</c> and <c>transfer-encoding</c> (kvs-protocol.md §1.3, §3), and
/// streams a recorded MKV chunked.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CProducerOverHttpsTests
{
    private const string AccessKey = "AKIDLOCALTEST";
    private const string SecretKey = "local-secret-key";

    [Test]
    public async Task Curl_offering_h2_with_the_c_producer_signed_headers_gets_every_ack_over_https()
    {
        string work = Directory.CreateTempSubdirectory("kvs-curl-").FullName;
        try
        {
            await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Https = true, AccessKey = AccessKey, SecretKey = SecretKey, Region = "us-west-2", LoggerFactory = TestLog.Factory });
            string mkv = await RecordedMkv.PackageAsync(Path.Combine(work, "clip.mkv"));
            ExternalProcess create = await CurlAsync(kvs, "/createStream", ["-H", "content-type: application/json", "--data-binary", """{"StreamName":"c-sdk","DataRetentionInHours":1}"""]);
            Assert.That(create.Stdout, Does.Contain("StreamARN"), create.Stderr);

            string start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture);
            ExternalProcess put = await CurlAsync(
                kvs,
                "/putMedia",
                [
                    "-N", "-T", "-", "-X", "POST",
                    "-H", "connection: keep-alive",
                    "-H", "transfer-encoding: chunked",
                    "-H", "user-agent: AWS-SDK-KVS/3.4.2 GCC/12.2.0 Linux/6.1.0 x86_64",
                    "-H", "x-amzn-fragment-acknowledgment-required: 1",
                    "-H", "x-amzn-fragment-timecode-type: ABSOLUTE",
                    "-H", "x-amzn-producer-start-timestamp: " + start,
                    "-H", "x-amzn-stream-name: c-sdk",
                ],
                stdinFile: mkv);

            string[] events = put.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => Ack.Parse(line + "\n").EventType).ToArray();
            Assert.That(put.Stderr, Does.Contain("SignedHeaders=connection;host;transfer-encoding;user-agent;x-amz-date;x-amzn-fragment-acknowledgment-required;x-amzn-fragment-timecode-type;x-amzn-producer-start-timestamp;x-amzn-stream-name"), "curl signed another header list");
            Assert.That(put.Stderr, Does.Contain("ALPN: offers h2"), "curl did not offer h2");
            Assert.That(put.Stderr, Does.Contain("< HTTP/1.1 200"), put.Stderr);
            Assert.That(events.Count(e => e == "BUFFERING"), Is.EqualTo(3), put.Stdout);
            Assert.That(events.Count(e => e == "RECEIVED"), Is.EqualTo(3), put.Stdout);
            Assert.That(events.Count(e => e == "PERSISTED"), Is.EqualTo(3), put.Stdout);
            Assert.That(events, Has.None.EqualTo("ERROR"), put.Stdout);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Test]
    public async Task With_http2_offered_the_c_producer_signature_cannot_verify_which_is_why_it_is_off_by_default()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Https = true, Http2 = true, AccessKey = AccessKey, SecretKey = SecretKey, LoggerFactory = TestLog.Factory });
        await CurlAsync(kvs, "/createStream", ["-H", "content-type: application/json", "--data-binary", """{"StreamName":"c-sdk-h2","DataRetentionInHours":1}"""]);

        ExternalProcess put = await CurlAsync(
            kvs,
            "/putMedia",
            ["--data-binary", "x", "-H", "connection: keep-alive", "-H", "transfer-encoding: chunked", "-H", "x-amzn-stream-name: c-sdk-h2"]);

        Assert.That(put.Stderr, Does.Contain("< HTTP/2 403"), put.Stderr);
        Assert.That(put.Stdout, Does.Contain("signature"));
    }

    private static Task<ExternalProcess> CurlAsync(LocalKvs kvs, string path, IEnumerable<string> arguments, string? stdinFile = null) =>
        ExternalProcess.RunAsync(
            "curl",
            [
                "-sS", "-v", "--http2", "--cacert", kvs.CertificatePath!,
                "--aws-sigv4", "aws:amz:us-west-2:kinesisvideo", "--user", $"{AccessKey}:{SecretKey}",
                .. arguments,
                new Uri(kvs.Url, path).ToString(),
            ],
            TimeSpan.FromSeconds(60),
            stdinFile: stdinFile);
}
