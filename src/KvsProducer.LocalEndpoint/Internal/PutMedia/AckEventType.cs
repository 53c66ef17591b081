namespace KvsProducer.LocalEndpoint.Internal.PutMedia;

/// <summary>The EventType values.</summary>
internal enum AckEventType
{
    Buffering,
    Received,
    Persisted,
    Error,
    Idle,
}
