using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace KvsProducer.Service;

/// <summary>
/// GetDataEndpoint results per (stream, API), kept for 40 minutes as the C producer does
/// (the official C producer, the official SDKs: DEFAULT_ENDPOINT_CACHE_UPDATE_PERIOD), so reconnects do not
/// spend the 5 TPS per-stream GetDataEndpoint budget (the KVS quotas). The uploader
/// invalidates an entry when a connection to its endpoint fails, so a moved endpoint is looked up
/// again at once instead of failing for 40 minutes (the official SDKs: stale endpoints).
/// </summary>
internal sealed class EndpointCache
{
    /// <summary>The C producer's default cache period.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(40);

    private readonly ConcurrentDictionary<(string Stream, DataEndpointApi Api), Entry> _entries = new();
    private readonly TimeProvider _time;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="timeProvider">The clock entries expire on; null for the system clock.</param>
    /// <param name="lifetime">How long an entry is used; null for 40 minutes. At most 24 hours (the C producer's maximum).</param>
    public EndpointCache(TimeProvider? timeProvider = null, TimeSpan? lifetime = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        Lifetime = lifetime ?? DefaultLifetime;
        if (Lifetime <= TimeSpan.Zero || Lifetime > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "The endpoint cache lifetime must be more than zero and at most 24 hours (default 40 minutes).");
        }
    }

    /// <summary>How long an entry is used.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>The cached endpoint for (stream, API), when there is one younger than <see cref="Lifetime"/>.</summary>
    public bool TryGet(string stream, DataEndpointApi api, [NotNullWhen(true)] out Uri? endpoint)
    {
        if (_entries.TryGetValue((stream, api), out var entry))
        {
            if (_time.GetUtcNow() < entry.ExpiresAt)
            {
                endpoint = entry.Endpoint;
                return true;
            }

            // Remove only this (expired) entry, not one a concurrent caller just stored.
            _entries.TryRemove(new KeyValuePair<(string, DataEndpointApi), Entry>((stream, api), entry));
        }

        endpoint = null;
        return false;
    }

    /// <summary>Stores the endpoint GetDataEndpoint returned for (stream, API).</summary>
    public void Set(string stream, DataEndpointApi api, Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(endpoint);
        _entries[(stream, api)] = new Entry(endpoint, _time.GetUtcNow() + Lifetime);
    }

    /// <summary>Forgets the endpoint of (stream, API); returns whether there was one.</summary>
    public bool Invalidate(string stream, DataEndpointApi api) => _entries.TryRemove((stream, api), out _);

    /// <summary>Forgets every entry that points at <paramref name="endpoint"/> (a connection to it failed); returns how many.</summary>
    public int Invalidate(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var removed = 0;
        foreach (var pair in _entries)
        {
            if (Uri.Compare(pair.Value.Endpoint, endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
                && _entries.TryRemove(pair))
            {
                removed++;
            }
        }

        return removed;
    }

    private sealed record Entry(Uri Endpoint, DateTimeOffset ExpiresAt);
}
