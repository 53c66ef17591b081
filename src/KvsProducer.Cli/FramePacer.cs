namespace KvsProducer.Cli;

/// <summary>Holds frames back to their decoding times, so a file or test pattern streams like a live camera.</summary>
internal sealed class FramePacer(TimeProvider time)
{
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
            await Task.Delay(due, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
