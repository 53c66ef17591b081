using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Auth;

/// <summary>
/// Temporary credentials from the AWS IoT credentials provider, authenticated by the device's X.509
/// certificate (the C SDK's IotCredentialProvider, kvssink <c>iot-certificate</c>):
/// <c>GET https://&lt;endpoint&gt;/role-aliases/&lt;alias&gt;/credentials</c> over mutual TLS with the
/// header <c>x-amzn-iot-thingname</c>. The credentials are cached and fetched again
/// <see cref="IotCredentialsOptions.RefreshMargin"/> before they expire.
/// </summary>
public sealed class IotCredentialsProvider : ICredentialsProvider, IDisposable
{
    internal const string ThingNameHeader = "x-amzn-iot-thingname";

    /// <summary>The endpoint answers in a few hundred bytes; anything much larger is not its answer.</summary>
    private const int MaximumResponseLength = 64 * 1024;

    private readonly IotCredentialsOptions _options;
    private readonly Uri _uri;
    private readonly X509Certificate2 _certificate;
    private readonly HttpClient _http;
    private readonly CredentialsCache _cache;

    /// <summary>Loads the device certificate and key and prepares the mutual-TLS client; no request is made until credentials are asked for.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    /// <exception cref="CredentialsException">A certificate or key file is missing (<see cref="CredentialsFailure.FileNotFound"/>) or unreadable as PEM (<see cref="CredentialsFailure.InvalidFormat"/>).</exception>
    public IotCredentialsProvider(IotCredentialsOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _uri = options.CredentialsUri();

        // The CA bundle first: a bad bundle then leaves no loaded private key behind.
        var trust = options.CaCertificatePath is { } caPath ? LoadCaBundle(caPath) : null;
        var chain = LoadDeviceCertificate(options.CertificatePath, options.PrivateKeyPath);
        _certificate = chain.Certificate;

        var ssl = new SslClientAuthenticationOptions
        {
            // Sent whatever CA list the server advertises (the IoT endpoint advertises none).
            ClientCertificateContext = SslStreamCertificateContext.Create(_certificate, chain.Intermediates, offline: true),
        };
        if (trust is not null)
        {
            ssl.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            ssl.CertificateChainPolicy.CustomTrustStore.AddRange(trust);
        }

        var handler = new SocketsHttpHandler
        {
            SslOptions = ssl,
            ConnectTimeout = options.ConnectTimeout,
            // One request an hour: no point holding the connection open between refreshes.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = options.RequestTimeout,
            MaxResponseContentBufferSize = MaximumResponseLength,
        };

        _cache = new CredentialsCache(FetchAsync, options.RefreshMargin, null, $"the AWS IoT credentials endpoint {_uri.Authority} (role alias '{options.RoleAlias}', thing '{options.ThingName}')", timeProvider, logger);
    }

    /// <inheritdoc />
    public ValueTask<KvsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => _cache.GetAsync(forceRefresh: false, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _certificate.Dispose();
        _cache.Dispose();
    }

    private async Task<KvsCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
        request.Headers.TryAddWithoutValidation(ThingNameHeader, _options.ThingName);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpStatusCode status;
        byte[] body;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new CredentialsException(CredentialsFailure.Unreachable, UnreachableMessage(exception), innerException: exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CredentialsException(
                CredentialsFailure.Unreachable,
                $"The AWS IoT credentials endpoint {_uri.Authority} did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s. Check the network, or raise IotCredentialsOptions.RequestTimeout.",
                innerException: exception);
        }

        if (status != HttpStatusCode.OK)
        {
            throw new CredentialsException(CredentialsFailure.Refused, RefusedMessage(status, body), (int)status);
        }

        return Parse(body);
    }

    private KvsCredentials Parse(byte[] body)
    {
        IotCredentialsBody? credentials;
        try
        {
            credentials = JsonSerializer.Deserialize(body, IotCredentialsJsonContext.Default.IotCredentialsResponse)?.Credentials;
        }
        catch (JsonException exception)
        {
            throw new CredentialsException(
                CredentialsFailure.InvalidFormat,
                $"The AWS IoT credentials endpoint {_uri.Authority} answered 200 with a body that is not its credentials JSON ({exception.Message}). Check that IotCredentialsOptions.Endpoint is the iot:CredentialProvider endpoint, not the data (MQTT) endpoint.",
                innerException: exception);
        }

        if (credentials is not { AccessKeyId: { Length: > 0 } accessKeyId, SecretAccessKey: { Length: > 0 } secret, SessionToken: { Length: > 0 } token, Expiration: { } expiration })
        {
            throw new CredentialsException(
                CredentialsFailure.InvalidFormat,
                $"The AWS IoT credentials endpoint {_uri.Authority} answered 200 without credentials.accessKeyId, secretAccessKey, sessionToken and expiration. Check that IotCredentialsOptions.Endpoint is the iot:CredentialProvider endpoint.");
        }

        return new KvsCredentials(accessKeyId, secret, token, expiration);
    }

    private string UnreachableMessage(HttpRequestException exception)
    {
        var detail = exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message;
        var advice = exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "Check IotCredentialsOptions.Endpoint ('aws iot describe-endpoint --endpoint-type iot:CredentialProvider') and the device's DNS.",
            HttpRequestError.ConnectionError => "Check the network and that outbound HTTPS (port 443) is allowed.",
            HttpRequestError.SecureConnectionError => "The TLS handshake failed: check that the endpoint's certificate is trusted (IotCredentialsOptions.CaCertificatePath, e.g. AmazonRootCA1.pem), that the device certificate is the one registered in AWS IoT and ACTIVE, and that the device clock is right.",
            _ => "If the connection was closed during the TLS handshake, the endpoint refused the device certificate: check that it is registered in AWS IoT, ACTIVE, and signed by a CA the account trusts.",
        };
        return $"Could not get credentials from the AWS IoT credentials endpoint {_uri.Authority}: {detail}. {advice}";
    }

    private string RefusedMessage(HttpStatusCode status, byte[] body)
    {
        var serviceMessage = ServiceMessage(body);
        var advice = status switch
        {
            HttpStatusCode.Forbidden => $"Check that the certificate is ACTIVE and attached to the thing '{_options.ThingName}', that a policy attached to the certificate allows iot:AssumeRoleWithCertificate on the role alias '{_options.RoleAlias}', and that the thing name matches.",
            HttpStatusCode.NotFound => $"Check that the role alias '{_options.RoleAlias}' exists in this account and region ('aws iot list-role-aliases').",
            HttpStatusCode.BadRequest => $"Check the thing name '{_options.ThingName}' and the role alias '{_options.RoleAlias}'.",
            HttpStatusCode.Unauthorized => "The endpoint did not accept the device certificate: check that it is registered in AWS IoT and ACTIVE.",
            HttpStatusCode.TooManyRequests => "The endpoint throttled the request; it will be retried.",
            _ when (int)status >= 500 => "The endpoint failed; it will be retried.",
            _ => "Check the IoT credentials provider settings.",
        };
        return $"The AWS IoT credentials endpoint {_uri.Authority} refused to issue credentials for role alias '{_options.RoleAlias}' and thing '{_options.ThingName}': HTTP {(int)status} {status}{(serviceMessage is null ? string.Empty : $", \"{serviceMessage}\"")}. {advice}";
    }

    private static string? ServiceMessage(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            if (JsonSerializer.Deserialize(body, IotCredentialsJsonContext.Default.IotErrorResponse)?.Message is { Length: > 0 } message)
            {
                return message;
            }
        }
        catch (JsonException)
        {
            // Not JSON: show the start of the text instead.
        }

        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).Trim();
        return text.Length == 0 ? null : text;
    }

    private static DeviceCertificate LoadDeviceCertificate(string certificatePath, string privateKeyPath)
    {
        RequireFile(certificatePath, "device certificate", nameof(IotCredentialsOptions.CertificatePath));
        RequireFile(privateKeyPath, "device private key", nameof(IotCredentialsOptions.PrivateKeyPath));
        try
        {
            // Throws CryptographicException for a file without PEM, ArgumentException for a key that is not the certificate's.
            var certificate = X509Certificate2.CreateFromPemFile(certificatePath, privateKeyPath);

            // A PEM file may carry the intermediates after the leaf; they go out in the handshake.
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certificatePath);
            var intermediates = new X509Certificate2Collection();
            foreach (var extra in all)
            {
                if (extra.Thumbprint == certificate.Thumbprint)
                {
                    extra.Dispose();
                }
                else
                {
                    intermediates.Add(extra);
                }
            }

            return new DeviceCertificate(certificate, intermediates);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw new CredentialsException(
                CredentialsFailure.InvalidFormat,
                $"The device certificate '{certificatePath}' and private key '{privateKeyPath}' could not be loaded: {exception.Message}. Give the PEM certificate AWS IoT issued or registered and its matching unencrypted PEM private key.",
                innerException: exception);
        }
    }

    private static X509Certificate2Collection LoadCaBundle(string path)
    {
        RequireFile(path, "CA certificate bundle", nameof(IotCredentialsOptions.CaCertificatePath));
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (CryptographicException exception)
        {
            throw new CredentialsException(CredentialsFailure.InvalidFormat, $"The CA certificate bundle '{path}' is not PEM: {exception.Message}. Give a PEM file such as AmazonRootCA1.pem.", innerException: exception);
        }

        if (bundle.Count == 0)
        {
            throw new CredentialsException(CredentialsFailure.InvalidFormat, $"The CA certificate bundle '{path}' holds no PEM certificate. Give a PEM file such as AmazonRootCA1.pem.");
        }

        return bundle;
    }

    private static void RequireFile(string path, string what, string option)
    {
        if (!File.Exists(path))
        {
            throw new CredentialsException(CredentialsFailure.FileNotFound, $"The {what} file '{Path.GetFullPath(path)}' (IotCredentialsOptions.{option}) does not exist. Check the path.");
        }
    }

    private sealed record DeviceCertificate(X509Certificate2 Certificate, X509Certificate2Collection Intermediates);
}
