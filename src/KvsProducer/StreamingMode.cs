namespace KvsProducer;

/// <summary>
/// How a stream trades latency against completeness when the uplink cannot keep up
/// (the official SDKs' REALTIME / NEAR_REALTIME / OFFLINE streaming types).
/// </summary>
public enum StreamingMode
{
    /// <summary>Live: when the buffer is full the oldest whole fragments are dropped (and reported), so new frames always get in.</summary>
    Realtime,

    /// <summary>Live with fragment-level reporting; drops the oldest whole fragments like <see cref="Realtime"/>.</summary>
    NearRealtime,

    /// <summary>Upload of recorded media: nothing is dropped; putting a frame waits for space freed by PERSISTED acknowledgements.</summary>
    Offline,
}
