using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KvsProducer.Auth;
using KvsProducer.Service;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Service;

/// <summary>
/// The control-plane client over TLS with a device CA bundle, and its errors when the endpoint
/// cannot be reached at all.
/// </summary>
public sealed class ControlPlaneTransportTests
{
    private static readonly ControlPlaneClientTests.StaticCredentials Credentials =
        new(new KvsCredentials(ControlPlaneTestServer.AccessKey, ControlPlaneTestServer.Secret));

    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("kvs-cp-tls-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task A_server_certificate_from_the_CA_bundle_is_trusted()
    {
        var (caPem, serverCertificate) = CreateCaAndServerCertificate();
        using var _ = serverCertificate;
        var bundle = Path.Combine(_directory, "ca.pem");
        await File.WriteAllTextAsync(bundle, caPem);
        var time = new FakeTimeProvider(ControlPlaneClientTests.Start);
        await using var server = await ControlPlaneTestServer.StartAsync(() => time.GetUtcNow(), serverCertificate);
        server.SetDefault("/getDataEndpoint", ControlPlaneCannedResponse.Ok("""{"DataEndpoint":"https://s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com"}"""));
        using var client = new ControlPlaneClient(
            new ControlPlaneClientOptions { Region = ControlPlaneTestServer.Region, ServiceUrl = server.Url, CaBundlePath = bundle, Retry = ControlPlaneClientTests.TestRetry },
            Credentials,
            time);

        var endpoint = await client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None);

        Assert.That(server.Url.Scheme, Is.EqualTo("https"));
        Assert.That(endpoint.Host, Is.EqualTo("s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com"));
        Assert.That(server.Requests.Single().SignatureError, Is.Null);
    }

    [Test]
    public async Task A_server_certificate_outside_the_CA_bundle_fails_with_TLS_advice()
    {
        var (_, serverCertificate) = CreateCaAndServerCertificate();
        using var __ = serverCertificate;
        var (otherCaPem, otherCertificate) = CreateCaAndServerCertificate();
        otherCertificate.Dispose();
        var bundle = Path.Combine(_directory, "other-ca.pem");
        await File.WriteAllTextAsync(bundle, otherCaPem);
        var time = new FakeTimeProvider(ControlPlaneClientTests.Start);
        await using var server = await ControlPlaneTestServer.StartAsync(() => time.GetUtcNow(), serverCertificate);
        using var client = new ControlPlaneClient(
            new ControlPlaneClientOptions { Region = ControlPlaneTestServer.Region, ServiceUrl = server.Url, CaBundlePath = bundle, Retry = ControlPlaneClientTests.TestRetry with { MaxAttempts = 1 } },
            Credentials,
            time);

        var error = Assert.ThrowsAsync<KvsTransportException>(() => client.DescribeStreamAsync("front-door", CancellationToken.None))!;

        Assert.That(error.Failure, Is.EqualTo(KvsTransportFailure.Tls));
        Assert.That(error.Message, Does.Contain("CaBundlePath"));
        Assert.That(server.Requests, Is.Empty);
    }

    [Test]
    public void A_CA_bundle_without_certificates_is_refused_at_construction()
    {
        var bundle = Path.Combine(_directory, "empty.pem");
        File.WriteAllText(bundle, "not a certificate\n");

        Assert.That(
            () => new ControlPlaneClient(new ControlPlaneClientOptions { Region = "us-west-2", CaBundlePath = bundle }, Credentials),
            Throws.ArgumentException.With.Message.Contains("holds no PEM certificate"));
    }

    [Test]
    public async Task A_refused_connection_is_retried_then_reported_as_ConnectionRefused()
    {
        var time = new FakeTimeProvider(ControlPlaneClientTests.Start);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens on the port any more
        using var client = new ControlPlaneClient(
            new ControlPlaneClientOptions { Region = ControlPlaneTestServer.Region, ServiceUrl = new Uri($"http://127.0.0.1:{port}"), Retry = ControlPlaneClientTests.TestRetry },
            Credentials,
            time);
        var call = ControlPlaneClientTests.CompleteAsync(client.DescribeStreamAsync("front-door", CancellationToken.None), time);

        var error = Assert.ThrowsAsync<KvsTransportException>(async () => await call)!;

        Assert.That(error.Failure, Is.EqualTo(KvsTransportFailure.ConnectionRefused));
        Assert.That(error.Message, Does.Contain($"127.0.0.1:{port}").And.Contain("DescribeStream"));
    }

    private static (string CaPem, X509Certificate2 ServerCertificate) CreateCaAndServerCertificate()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=KvsProducer test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        // Kestrel on Linux wants a certificate whose key came from a PKCS#12 import.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (ca.ExportCertificatePem(), server);
    }
}
