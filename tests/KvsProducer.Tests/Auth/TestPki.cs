using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KvsProducer.Tests.Auth;

/// <summary>
/// A throwaway public-key infrastructure for the mutual-TLS tests: a CA, a server certificate for
/// 127.0.0.1/localhost, a device (client) certificate signed by the CA, and a device certificate
/// signed by an unrelated CA that the stand-in must refuse. PEM files are written to a temp folder
/// the way a device has them.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public TestPki()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("kvs-iot-pki-").FullName;
        Ca = CreateCa("CN=KvsProducer Test Root CA");
        ServerCertificate = Issue(Ca, "CN=localhost", ServerAuthentication, server: true);
        DeviceCertificate = Issue(Ca, "CN=test-device", ClientAuthentication, server: false);
        using var strangerCa = CreateCa("CN=Unrelated CA");
        StrangerCertificate = Issue(strangerCa, "CN=stranger-device", ClientAuthentication, server: false);

        CaPath = WritePem("ca.pem", Ca.ExportCertificatePem());
        DeviceCertificatePath = WritePem("device.pem.crt", DeviceCertificate.ExportCertificatePem());
        DeviceKeyPath = WritePem("device.private.key", DeviceCertificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        StrangerCertificatePath = WritePem("stranger.pem.crt", StrangerCertificate.ExportCertificatePem());
        StrangerKeyPath = WritePem("stranger.private.key", StrangerCertificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 ServerCertificate { get; }

    public X509Certificate2 DeviceCertificate { get; }

    public X509Certificate2 StrangerCertificate { get; }

    public string CaPath { get; }

    public string DeviceCertificatePath { get; }

    public string DeviceKeyPath { get; }

    public string StrangerCertificatePath { get; }

    public string StrangerKeyPath { get; }

    /// <summary>True when <paramref name="certificate"/> chains to <see cref="Ca"/>.</summary>
    public bool IsIssuedByCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        Ca.Dispose();
        ServerCertificate.Dispose();
        DeviceCertificate.Dispose();
        StrangerCertificate.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private string WritePem(string name, string pem)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, pem);
        return path;
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string subject, Oid usage, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(8);
        using var publicOnly = request.Create(issuer, now.AddHours(-1), now.AddDays(7), serial);
        return publicOnly.CopyWithPrivateKey(key);
    }
}
