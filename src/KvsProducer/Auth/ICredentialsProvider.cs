namespace KvsProducer.Auth;

/// <summary>
/// Where credentials come from. Implementations cache and refresh on their own; callers ask before
/// every signature and expect a fast answer when nothing needs refreshing.
/// </summary>
public interface ICredentialsProvider
{
    /// <summary>Current credentials, refreshed when they are about to expire.</summary>
    ValueTask<KvsCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}
