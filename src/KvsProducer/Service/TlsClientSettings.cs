using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KvsProducer.Service;

/// <summary>
/// Builds the TLS client settings both transports use: TLS 1.2 or 1.3 (the official C producer: the C producer forces
/// ≥ 1.2 and verifies peer and host), SNI, an optional CA bundle and an optional client certificate; and keeps the
/// reason a server certificate was rejected so the error can say it.
/// </summary>
internal sealed class TlsClientSettings
{
    private string? _rejection;

    private TlsClientSettings(SslClientAuthenticationOptions options) => Options = options;

    public SslClientAuthenticationOptions Options { get; }

    /// <summary>Why the last handshake rejected the server certificate, or null.</summary>
    public string? Rejection => _rejection;

    public static TlsClientSettings Create(string host, HttpTransportOptions options, SslApplicationProtocol protocol)
    {
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [protocol],
            // Devices often lack network access to CRL/OCSP endpoints; the C producer (curl defaults) does not check either.
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (options.CaBundlePath is { } path)
        {
            authentication.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            authentication.CertificateChainPolicy.CustomTrustStore.AddRange(LoadBundle(path));
        }

        if (options.ClientCertificate is { } clientCertificate)
        {
            authentication.ClientCertificates = [clientCertificate];
        }

        var settings = new TlsClientSettings(authentication);
        authentication.RemoteCertificateValidationCallback = settings.Validate;
        return settings;
    }

    private static X509Certificate2Collection LoadBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new KvsTransportException(KvsTransportFailure.Tls, $"The CA bundle '{path}' could not be read ({e.Message}): it must be a readable PEM file of 'BEGIN CERTIFICATE' blocks.", e);
        }

        if (bundle.Count == 0)
        {
            throw new KvsTransportException(KvsTransportFailure.Tls, $"The CA bundle '{path}' holds no PEM certificate: it must contain 'BEGIN CERTIFICATE' blocks.");
        }

        return bundle;
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var reason = new StringBuilder();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reason.Append("the server sent no certificate; ");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reason.Append("the certificate '").Append(certificate?.Subject).Append("' is not valid for host '").Append(Options.TargetHost).Append("'; ");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            reason.Append("the certificate chain of '").Append(certificate?.Subject).Append("' is not trusted (");
            foreach (var status in chain?.ChainStatus ?? [])
            {
                reason.Append(status.Status).Append(": ").Append(status.StatusInformation.Trim()).Append("; ");
            }

            reason.Append(Options.CertificateChainPolicy is null
                ? "if this device has no CA store, or the endpoint uses a private CA, set the CA bundle path to a PEM file with its root)"
                : "the chain must end in a certificate of the configured CA bundle)");
        }

        _rejection = reason.ToString().TrimEnd(' ', ';');
        return false;
    }
}
