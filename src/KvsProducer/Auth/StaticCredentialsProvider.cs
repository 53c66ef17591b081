namespace KvsProducer.Auth;

/// <summary>
/// Fixed credentials: long-term keys of an IAM user, or temporary ones the application renews by
/// building a new provider.: the C SDK's static provider.
/// </summary>
public sealed class StaticCredentialsProvider : ICredentialsProvider
{
    private readonly KvsCredentials _credentials;

    /// <summary>Uses <paramref name="credentials"/> for every request.</summary>
    /// <exception cref="ArgumentException">A key is empty or contains whitespace.</exception>
    public StaticCredentialsProvider(KvsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        CredentialsValidation.ThrowIfInvalid(credentials, "static credentials");
        _credentials = credentials;
    }

    /// <summary>Uses these keys for every request.</summary>
    /// <exception cref="ArgumentException">A key is empty or contains whitespace.</exception>
    public StaticCredentialsProvider(string accessKeyId, string secretAccessKey, string? sessionToken = null)
        : this(new KvsCredentials(accessKeyId, secretAccessKey, sessionToken))
    {
    }

    /// <inheritdoc />
    public ValueTask<KvsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => new(_credentials);
}
