namespace KvsProducer.Buffering.Spool;

/// <summary>
/// How long the live upload has been healthy: since the first PERSISTED acknowledgement (RECEIVED for a stream that
/// keeps no data) after the last failure (an ERROR acknowledgement, or any upload error: reconnect, throttling).
/// The disk buffer uploads spilled frames only after the link has proven itself for a while (docs/disk-buffer.md).
/// </summary>
internal sealed class LiveUploadHealth(TimeProvider clock, bool keepsData)
{
    private long _healthySince = -1; // a TimeProvider timestamp; -1 = not healthy now

    public void OnAcknowledged(in FragmentAck ack)
    {
        if (ack.EventType == FragmentAckEventType.Error)
        {
            OnFailure();
        }
        else if (ack.EventType == FragmentAckEventType.Persisted || (ack.EventType == FragmentAckEventType.Received && !keepsData))
        {
            Interlocked.CompareExchange(ref _healthySince, clock.GetTimestamp(), -1);
        }
    }

    /// <summary>The upload failed (or was interrupted): health starts over at the next PERSISTED.</summary>
    public void OnFailure() => Interlocked.Exchange(ref _healthySince, -1);

    /// <summary>Zero unless a PERSISTED came since the last failure.</summary>
    public TimeSpan HealthyFor
    {
        get
        {
            long since = Interlocked.Read(ref _healthySince);
            return since < 0 ? TimeSpan.Zero : clock.GetElapsedTime(since);
        }
    }
}
