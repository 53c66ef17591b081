namespace KvsProducer;

/// <summary>The pressure signals of the buffer (the official SDKs' storage, buffer-duration and latency pressure callbacks).</summary>
public enum BufferPressureKind
{
    /// <summary>Less than 5 % of the content store's byte budget is free; relieved at 10 % free.</summary>
    Storage,

    /// <summary>The stream's buffer spans 95 % or more of its buffer duration; relieved at 90 %.</summary>
    BufferDuration,

    /// <summary>Frames wait longer than the maximum latency to be sent (current → head); relieved at 80 % of it.</summary>
    Latency,
}
