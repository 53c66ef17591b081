namespace KvsProducer.LocalEndpoint.Internal.PutMedia;

/// <summary>kvs-protocol.md §4.2: the EventType values.</summary>
internal enum AckEventType
{
    Buffering,
    Received,
    Persisted,
    Error,
    Idle,
}
