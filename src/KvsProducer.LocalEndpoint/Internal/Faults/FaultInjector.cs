using Microsoft.Extensions.Logging;

namespace KvsProducer.LocalEndpoint.Internal.Faults;

/// <summary>
/// The faults in force and the seeded generator behind rate-based ones: the same seed and the
/// same request order give the same faults. Every injected fault is logged.
/// </summary>
internal sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private LocalKvsFaults _current = LocalKvsFaults.None;
    private Random _random = new(0);
    private DateTimeOffset _refuseUntil = DateTimeOffset.MinValue;

    public FaultInjector(LocalKvsFaults initial, TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        Apply(initial);
    }

    public LocalKvsFaults Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Apply(LocalKvsFaults faults)
    {
        faults.Validate();
        lock (_gate)
        {
            _current = faults;
            _random = new Random(faults.Seed);
            _refuseUntil = faults.RefuseConnectionsFor is { } refuse ? _time.GetUtcNow() + refuse : DateTimeOffset.MinValue;
        }

        if (faults.Any)
        {
            Log.FaultInjected(_logger, $"faults set: {faults}");
        }
    }

    /// <summary>Draws the control-plane fault for one call: null, or the error to answer with.</summary>
    public ServiceError? NextControlPlaneFault(string path)
    {
        ServiceError? error = null;
        lock (_gate)
        {
            if (_current.ThrottleRate > 0 && _random.NextDouble() < _current.ThrottleRate)
            {
                error = ServiceError.ClientLimitExceeded("Injected fault: the request rate is too high; retry with backoff.");
            }
            else if (_current.ServerErrorRate > 0 && _random.NextDouble() < _current.ServerErrorRate)
            {
                error = ServiceError.InternalFailure("Injected fault: internal service failure; retry.");
            }
        }

        if (error is not null)
        {
            Log.FaultInjected(_logger, $"{path} answered {error.Status} {error.ErrorType}");
        }

        return error;
    }

    public bool RefusesConnections()
    {
        bool refuse;
        lock (_gate)
        {
            refuse = _time.GetUtcNow() < _refuseUntil;
        }

        if (refuse)
        {
            Log.FaultInjected(_logger, "connection refused (reset)");
        }

        return refuse;
    }

    public void Report(string fault) => Log.FaultInjected(_logger, fault);
}
