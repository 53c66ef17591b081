namespace KvsProducer.Auth;

/// <summary>AWS credentials as a request is signed with them (SigV4); <see cref="Expiration"/> drives refresh and connection rotation.</summary>
/// <param name="AccessKeyId">The access key id (AKIA… / ASIA…).</param>
/// <param name="SecretAccessKey">The secret access key.</param>
/// <param name="SessionToken">The session token of temporary credentials; null for long-term keys.</param>
/// <param name="Expiration">When temporary credentials expire; null when they do not.</param>
public sealed record KvsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null, DateTimeOffset? Expiration = null)
{
    /// <summary>Never prints the secret or the token.</summary>
    public override string ToString() => $"KvsCredentials {{ AccessKeyId = {AccessKeyId}, Expiration = {Expiration?.ToString("O") ?? "none"} }}";
}
