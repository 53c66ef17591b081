using System.Net;
using System.Security.Cryptography.X509Certificates;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>Issue 3 §7: HTTPS with a generated self-signed certificate whose path is given to clients.</summary>
[TestFixture]
public sealed class HttpsTests
{
    [Test]
    public async Task Https_serves_with_the_certificate_written_to_CertificatePath_over_http2_when_asked()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Https = true, Http2 = true });
        using X509Certificate2 trusted = X509CertificateLoader.LoadCertificateFromFile(kvs.CertificatePath!);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate!.Thumbprint == trusted.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = kvs.Url, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using HttpResponseMessage response = await http.PostAsync("/listStreams", new StringContent("{}"));

        Assert.That(kvs.Url.Scheme, Is.EqualTo("https"));
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version20));
    }

    [Test]
    public async Task Https_offers_only_http11_by_default()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Https = true });
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        using var http = new HttpClient(handler) { BaseAddress = kvs.Url, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower };

        using HttpResponseMessage response = await http.PostAsync("/listStreams", new StringContent("{}"));

        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version11));
    }

    [Test]
    public void Http2_without_https_is_refused_naming_the_option()
    {
        var error = Assert.ThrowsAsync<ArgumentException>(async () => await LocalKvs.StartAsync(new LocalKvsOptions { Http2 = true }));

        Assert.That(error!.Message, Does.Contain("Http2").And.Contain("Https"));
    }

    [Test]
    public async Task PutMedia_over_tls_http11_is_acknowledged()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Https = true });
        using X509Certificate2 trusted = X509CertificateLoader.LoadCertificateFromFile(kvs.CertificatePath!);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate!.Thumbprint == trusted.Thumbprint };
        using var api = new KvsApi(kvs.Url, handler);
        await api.CreateStreamAsync("s");
        await using RawHttpConnection connection = await RawHttpConnection.ConnectAsync(kvs.Url, (_, certificate, _, _) => certificate!.GetCertHashString() == trusted.Thumbprint);

        await connection.SendHeadAsync("POST", "/putMedia", PutMediaUpload.CProducerHeaders(kvs.Url, "s"));
        await connection.ReadResponseHeadAsync(PutMediaUpload.Timeout);
        await connection.SendChunkAsync(MkvSample.Concat(MkvSample.Header(), MkvSample.Cluster(MkvSample.StartMs)));
        string? first = await connection.ReadChunkAsync(PutMediaUpload.Timeout);

        Assert.That(first, Does.StartWith("{\"EventType\":\"BUFFERING\""));
    }

    [Test]
    public async Task PutMedia_over_http2_is_full_duplex_acks_arrive_while_the_body_is_open()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Https = true, Http2 = true, LoggerFactory = TestLog.Factory });
        using X509Certificate2 trusted = X509CertificateLoader.LoadCertificateFromFile(kvs.CertificatePath!);
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate!.GetCertHashString() == trusted.Thumbprint;
        using var http = new HttpClient(handler) { BaseAddress = kvs.Url, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using (var api = new KvsApi(kvs.Url, new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }))
        {
            await api.CreateStreamAsync("h2");
        }

        var body = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/putMedia")
        {
            Content = new PushContent(body.Reader),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Add("x-amzn-stream-name", "h2");
        request.Headers.Add("x-amzn-fragment-timecode-type", "ABSOLUTE");
        request.Headers.Add("x-amzn-producer-start-timestamp", "1700000000.000");
        await body.Writer.WriteAsync(MkvSample.Concat(MkvSample.Header(), MkvSample.Cluster(MkvSample.StartMs)));

        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? first = await reader.ReadLineAsync(timeout.Token);
        body.Writer.Complete();

        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version20));
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(first, Does.StartWith("{\"EventType\":\"BUFFERING\""));
    }

    [Test]
    public async Task The_certificate_is_reused_across_restarts_of_the_same_data_directory()
    {
        string directory = Directory.CreateTempSubdirectory("kvs-https-").FullName;
        try
        {
            string first, second;
            await using (LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Https = true, DataDirectory = directory }))
            {
                first = await File.ReadAllTextAsync(kvs.CertificatePath!);
            }

            await using (LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Https = true, DataDirectory = directory }))
            {
                second = await File.ReadAllTextAsync(kvs.CertificatePath!);
            }

            Assert.That(second, Is.EqualTo(first));
            Assert.That(first, Does.StartWith("-----BEGIN CERTIFICATE-----"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>Request content written as the test pushes pieces: a body that stays open while the response is read.</summary>
internal sealed class PushContent : HttpContent
{
    private readonly System.Threading.Channels.ChannelReader<byte[]> _pieces;

    public PushContent(System.Threading.Channels.ChannelReader<byte[]> pieces)
    {
        _pieces = pieces;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await foreach (byte[] piece in _pieces.ReadAllAsync())
        {
            await stream.WriteAsync(piece);
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
