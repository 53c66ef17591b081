using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// Session tokens handed out in HLS/DASH URLs. The service's token is opaque and encrypted; here
/// it is 32 random bytes (base64url) naming a session held in memory until it expires.
/// </summary>
internal sealed class StreamingSessions
{
    private readonly ConcurrentDictionary<string, StreamingSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public StreamingSessions(TimeProvider time) => _time = time;

    public string Add(StreamingSession session)
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach (KeyValuePair<string, StreamingSession> entry in _sessions)
        {
            if (entry.Value.ExpiresAt <= now)
            {
                _sessions.TryRemove(entry.Key, out _);
            }
        }

        string token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _sessions[token] = session;
        return token;
    }

    /// <summary>The session of <paramref name="token"/>; an unknown or expired token is refused as the service refuses it (inferred: 401 NotAuthorizedException).</summary>
    public StreamingSession Get(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw ServiceError.InvalidArgument("The SessionToken query parameter is missing: use the URL GetHLSStreamingSessionURL or GetDASHStreamingSessionURL returned, unchanged.");
        }

        if (!_sessions.TryGetValue(token, out StreamingSession? session))
        {
            throw ServiceError.NotAuthorized("The SessionToken is not valid: get a new URL with GetHLSStreamingSessionURL or GetDASHStreamingSessionURL.");
        }

        if (session.ExpiresAt <= _time.GetUtcNow())
        {
            _sessions.TryRemove(token, out _);
            throw ServiceError.NotAuthorized($"The session expired at {session.ExpiresAt:O}: get a new URL (Expires sets the lifetime, 300–43200 s).");
        }

        if (session.Stream.Deleted)
        {
            throw ServiceError.ResourceNotFound("The session's stream was deleted.");
        }

        return session;
    }
}
