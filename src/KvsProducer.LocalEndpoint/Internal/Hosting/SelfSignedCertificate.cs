using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KvsProducer.LocalEndpoint.Internal.Hosting;

/// <summary>
/// The HTTPS certificate: generated once per data directory (ECDSA P-256, SAN localhost and
/// 127.0.0.1, valid 5 years), the key kept in <c>local-kvs.pfx</c>, the public certificate in
/// <c>local-kvs-cert.pem</c> for clients to trust.
/// </summary>
internal static class SelfSignedCertificate
{
    public static (X509Certificate2 Certificate, string PemPath) LoadOrCreate(string dataDirectory, TimeProvider time)
    {
        string pfxPath = Path.Combine(dataDirectory, "local-kvs.pfx");
        string pemPath = Path.Combine(dataDirectory, "local-kvs-cert.pem");
        if (File.Exists(pfxPath) && File.Exists(pemPath))
        {
            X509Certificate2 existing = X509CertificateLoader.LoadPkcs12FromFile(pfxPath, password: null);
            if (existing.NotAfter > time.GetUtcNow().UtcDateTime.AddDays(1))
            {
                return (existing, pemPath);
            }

            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=KvsProducer local endpoint", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        DateTimeOffset now = time.GetUtcNow();
        using X509Certificate2 created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5));
        byte[] pfx = created.Export(X509ContentType.Pfx);
        Storage.DurableFile.WriteAtomically(pfxPath, pfx);
        Storage.DurableFile.WriteAtomically(pemPath, System.Text.Encoding.ASCII.GetBytes(created.ExportCertificatePem() + "\n"));
        // Reload from PFX: an ephemeral key cannot be used by the TLS stack on every platform.
        return (X509CertificateLoader.LoadPkcs12(pfx, password: null), pemPath);
    }
}
