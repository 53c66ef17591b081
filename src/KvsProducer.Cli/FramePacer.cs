using KvsProducer.Buffering;

namespace KvsProducer.Cli;

/// <summary>
/// Holds frames back to their decoding times, so a file or test pattern streams like a live camera. One
/// timer and one reusable wake-up serve every wait: a Task.Delay per frame allocated ~350 bytes a frame,
/// which on a machine with a large gen0 budget grew the process for half an hour before the first GC (soak).
/// </summary>
internal sealed class FramePacer(TimeProvider time) : IDisposable
{
    private readonly AsyncSignal _due = new();
    private ITimer? _timer;
    private long _startTimestamp;
    private TimeSpan? _first;

    public async ValueTask WaitAsync(TimeSpan decodingTime, CancellationToken cancellationToken)
    {
        if (_first is null)
        {
            _first = decodingTime;
            _startTimestamp = time.GetTimestamp();
            return;
        }

        var due = decodingTime - _first.Value - time.GetElapsedTime(_startTimestamp);
        if (due > TimeSpan.Zero)
        {
            _timer ??= time.CreateTimer(static state => ((AsyncSignal)state!).Set(), _due, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _due.Reset();
            _timer.Change(due, Timeout.InfiniteTimeSpan);
            await _due.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
