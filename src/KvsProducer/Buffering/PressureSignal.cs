namespace KvsProducer.Buffering;

/// <summary>
/// A threshold with hysteresis: it enters pressure at <c>enter</c> and leaves only at <c>leave</c>, so a
/// level hovering around one threshold does not fire continuously (a common complaint about the official SDKs' buffer warnings).
/// </summary>
internal struct PressureSignal
{
    public bool IsUnderPressure;

    public long Count;

    /// <summary>Feeds a new level; true when the state changed (the caller raises the event outside its lock).</summary>
    public bool Update(double level, double enter, double leave)
    {
        if (!IsUnderPressure && level >= enter)
        {
            IsUnderPressure = true;
            Count++;
            return true;
        }

        if (IsUnderPressure && level <= leave)
        {
            IsUnderPressure = false;
            return true;
        }

        return false;
    }
}
