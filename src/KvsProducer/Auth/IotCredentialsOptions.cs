namespace KvsProducer.Auth;

/// <summary>
/// Settings of the AWS IoT X.509 role-alias credentials provider (the C SDK's
/// IotCredentialProvider, kvssink's <c>iot-certificate</c>).
/// </summary>
public sealed record IotCredentialsOptions
{
    /// <summary>The account's IoT credentials endpoint, as <c>aws iot describe-endpoint --endpoint-type iot:CredentialProvider</c> prints it (<c>xxxx.credentials.iot.us-west-2.amazonaws.com</c>); an <c>https://</c> URL is accepted too.</summary>
    public string Endpoint { get; init; } = string.Empty;

    /// <summary>The IoT role alias that points at the IAM role to assume.</summary>
    public string RoleAlias { get; init; } = string.Empty;

    /// <summary>The IoT thing the certificate is attached to; sent as <c>x-amzn-iot-thingname</c>.</summary>
    public string ThingName { get; init; } = string.Empty;

    /// <summary>The device certificate, PEM (may be followed by its intermediate CA certificates).</summary>
    public string CertificatePath { get; init; } = string.Empty;

    /// <summary>The device certificate's private key, PEM (unencrypted PKCS#1, PKCS#8 or SEC1).</summary>
    public string PrivateKeyPath { get; init; } = string.Empty;

    /// <summary>PEM bundle of the CA certificates that may sign the endpoint's certificate (e.g. AmazonRootCA1.pem); null: the system's trust store.</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>How long before expiry to fetch new credentials (default 5 minutes).</summary>
    public TimeSpan RefreshMargin { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Limit for the TCP connection to the endpoint (default 5 seconds).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Limit for the whole request, TLS handshake and response included (default 10 seconds).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the first bad one and what to do.</summary>
    public void Validate()
    {
        Require(Endpoint, nameof(Endpoint), "the IoT credentials endpoint from 'aws iot describe-endpoint --endpoint-type iot:CredentialProvider'");
        Require(RoleAlias, nameof(RoleAlias), "the IoT role alias name");
        Require(ThingName, nameof(ThingName), "the IoT thing name the certificate is attached to");
        Require(CertificatePath, nameof(CertificatePath), "the path of the device certificate PEM file");
        Require(PrivateKeyPath, nameof(PrivateKeyPath), "the path of the device private key PEM file");
        _ = EndpointUri();

        if (RoleAlias.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"IotCredentialsOptions.RoleAlias '{RoleAlias}' contains '/'. Give the role alias name, not its ARN.", nameof(RoleAlias));
        }

        if (CaCertificatePath is not null && string.IsNullOrWhiteSpace(CaCertificatePath))
        {
            throw new ArgumentException("IotCredentialsOptions.CaCertificatePath is empty. Give the path of a PEM CA bundle, or null to use the system's trust store.", nameof(CaCertificatePath));
        }

        Positive(RefreshMargin, nameof(RefreshMargin), allowZero: true);
        Positive(ConnectTimeout, nameof(ConnectTimeout), allowZero: false);
        Positive(RequestTimeout, nameof(RequestTimeout), allowZero: false);
    }

    /// <summary>The credentials URL: <c>https://&lt;endpoint&gt;/role-aliases/&lt;alias&gt;/credentials</c>.</summary>
    internal Uri CredentialsUri() => new(EndpointUri(), $"role-aliases/{Uri.EscapeDataString(RoleAlias)}/credentials");

    private Uri EndpointUri()
    {
        var text = Endpoint.Contains("://", StringComparison.Ordinal) ? Endpoint : "https://" + Endpoint;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
        {
            throw new ArgumentException(
                $"IotCredentialsOptions.Endpoint '{Endpoint}' is not a host name or an https:// URL without a path. Give the host from 'aws iot describe-endpoint --endpoint-type iot:CredentialProvider', e.g. abcd1234.credentials.iot.us-west-2.amazonaws.com.",
                nameof(Endpoint));
        }

        return uri;
    }

    private static void Require(string value, string name, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"IotCredentialsOptions.{name} is empty. Give {what}.", name);
        }
    }

    private static void Positive(TimeSpan value, string name, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero) || value > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"IotCredentialsOptions.{name} is {value}; it must be {(allowZero ? "between 0" : "more than 0")} and 1 hour.");
        }
    }
}
