using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RaspberryPiCamera;

/// <summary>
/// The service is healthy while fragments are being persisted: the last PERSISTED acknowledgement is
/// younger than <c>Health:StaleAfter</c> (default 30 s, many fragments long). A camera that stopped
/// delivering, an uplink that is down or credentials that expired all show as "no fragment persisted
/// for …". The first StaleAfter after start counts as healthy: the camera and the stream are opening.
/// </summary>
internal sealed class StreamHealth(TimeProvider clock, TimeSpan staleAfter) : IHealthCheck
{
    private long _lastPersisted = clock.GetTimestamp();

    public TimeSpan StaleAfter => staleAfter;

    /// <summary>Called by the worker on every PERSISTED acknowledgement.</summary>
    public void FragmentPersisted() => Interlocked.Exchange(ref _lastPersisted, clock.GetTimestamp());

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var age = clock.GetElapsedTime(Interlocked.Read(ref _lastPersisted));
        return Task.FromResult(age <= staleAfter
            ? HealthCheckResult.Healthy($"last fragment persisted {age.TotalSeconds:0.0} s ago")
            : HealthCheckResult.Unhealthy($"no fragment persisted for {age.TotalSeconds:0} s (limit {staleAfter.TotalSeconds:0} s): check the camera, the network and the credentials"));
    }
}
