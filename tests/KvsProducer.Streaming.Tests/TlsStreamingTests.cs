namespace KvsProducer.Streaming.Tests;

/// <summary>PutMedia over TLS, trusting the endpoint's certificate through the CA-bundle option, over HTTP/1.1 and HTTP/2.</summary>
[Parallelizable(ParallelScope.All)]
public class TlsStreamingTests
{
    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(60_000)]
    public async Task Frames_reach_an_https_endpoint_trusted_through_the_ca_bundle(bool http2, CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync(options => options with { Https = true, Http2 = http2 });
        await using var producer = new KinesisVideoProducer(local.ProducerOptions with { CaBundlePath = local.Kvs.CertificatePath, UseHttp2 = http2 });
        await using var stream = await producer.StartStreamAsync(new StreamDefinition(http2 ? "tls-h2" : "tls-h1") { CreateIfMissing = true }, cancellationToken);
        var run = StreamRun.Of(stream);

        await run.PutAsync(50, TimeSpan.Zero, cancellationToken);
        await stream.StopAsync(cancellationToken);

        Assert.That(stream.GetMetrics().PersistedFrames, Is.EqualTo(50));
        Assert.That(run.Errors.Select(e => e.Error.Message), Is.Empty);
    }
}
