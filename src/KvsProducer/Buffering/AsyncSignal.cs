using System.Threading.Tasks.Sources;

namespace KvsProducer.Buffering;

/// <summary>
/// A reusable wake-up for one waiter (the stream's sender waiting for frames). <see cref="Set"/> before a
/// wait makes the next wait return at once, so no wake-up is lost. No allocation per wait or per set.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private readonly Lock _lock = new();
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _signaled;
    private bool _waiting;
    private CancellationTokenRegistration _registration;

    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        short version;
        lock (_lock)
        {
            if (_signaled)
            {
                _signaled = false;
                return default;
            }

            if (_waiting)
            {
                throw new InvalidOperationException("Only one sender may wait for data at a time.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            _waiting = true;
            _core.Reset();
            version = _core.Version;
        }

        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((AsyncSignal)state!).Cancel(token), this);
        }

        return new ValueTask(this, version);
    }

    /// <summary>Forgets a Set that no wait consumed (the caller has just seen that there is nothing to wait for... yet).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _signaled = false;
        }
    }

    public void Set()
    {
        lock (_lock)
        {
            if (!_waiting)
            {
                _signaled = true;
                return;
            }

            _waiting = false;
        }

        _core.SetResult(true);
    }

    void IValueTaskSource.GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            _registration.Dispose();
            _registration = default;
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        lock (_lock)
        {
            if (!_waiting)
            {
                return;
            }

            _waiting = false;
        }

        _core.SetException(new OperationCanceledException(token));
    }
}
