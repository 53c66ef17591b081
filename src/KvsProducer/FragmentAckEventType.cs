namespace KvsProducer;

/// <summary>The kind of a PutMedia acknowledgement.</summary>
public enum FragmentAckEventType
{
    /// <summary>The service received the first byte of the fragment.</summary>
    Buffering,

    /// <summary>The service received the whole fragment.</summary>
    Received,

    /// <summary>The fragment is durably stored (streams with retention only).</summary>
    Persisted,

    /// <summary>The service failed to process the fragment; see <see cref="FragmentAck.ErrorId"/>.</summary>
    Error,

    /// <summary>Keep-alive: the session is open but no data arrived.</summary>
    Idle,
}
