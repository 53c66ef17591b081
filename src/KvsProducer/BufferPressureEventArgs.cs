namespace KvsProducer;

/// <summary>
/// A pressure signal changed state. It fires once when the pressure begins and once when it ends (the
/// thresholds have hysteresis), never continuously: lower the bitrate or frame rate on the first, restore
/// them on the second.
/// </summary>
public sealed class BufferPressureEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    public BufferPressureEventArgs(BufferPressureKind kind, bool isUnderPressure, double level, double threshold)
    {
        Kind = kind;
        IsUnderPressure = isUnderPressure;
        Level = level;
        Threshold = threshold;
    }

    /// <summary>Which signal.</summary>
    public BufferPressureKind Kind { get; }

    /// <summary>True when the pressure began, false when it is back to normal.</summary>
    public bool IsUnderPressure { get; }

    /// <summary>The measured value: used fraction of the store (Storage), buffered seconds (BufferDuration) or waiting seconds (Latency).</summary>
    public double Level { get; }

    /// <summary>The threshold the value crossed, in the same unit as <see cref="Level"/>.</summary>
    public double Threshold { get; }
}
