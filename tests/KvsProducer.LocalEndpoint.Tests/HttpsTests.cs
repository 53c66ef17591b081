using System.Net;
using System.Security.Cryptography.X509Certificates;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>Issue 3 §7: HTTPS with a generated self-signed certificate whose path is given to clients.</summary>
[TestFixture]
public sealed class HttpsTests
{
    [Test]
    public async Task Https_serves_with_the_certificate_written_to_CertificatePath_over_http2()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { Https = true });
        using X509Certificate2 trusted = X509CertificateLoader.LoadCertificateFromFile(kvs.CertificatePath!);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate!.Thumbprint == trusted.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = kvs.Url, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using HttpResponseMessage response = await http.PostAsync("/listStreams", new StringContent("{}"));

        Assert.That(kvs.Url.Scheme, Is.EqualTo("https"));
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version20));
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
