namespace KvsProducer;

/// <summary>
/// One acknowledgement from the PutMedia response stream, e.g.
/// <c>{"EventType":"PERSISTED","FragmentTimecode":1700000000000,"FragmentNumber":"9134385233318143…"}</c>.
/// </summary>
/// <param name="EventType">What happened to the fragment.</param>
/// <param name="FragmentTimecode">
/// The fragment's Cluster timecode exactly as sent (timecode-scale units); <see cref="NoTimecode"/> when absent (IDLE)
/// or sent as -1 (errors not attributable to a fragment).
/// </param>
/// <param name="FragmentNumber">The service-assigned fragment number (decimal digits); empty when absent.</param>
/// <param name="ErrorId">For <see cref="FragmentAckEventType.Error"/>: the numeric ErrorId of the PutMedia acknowledgement (e.g. 4002: a fragment longer than 10 s).</param>
/// <param name="ErrorCode">For <see cref="FragmentAckEventType.Error"/>: the symbolic code (e.g. <c>MAX_FRAGMENT_DURATION_REACHED</c>).</param>
public readonly record struct FragmentAck(FragmentAckEventType EventType, ulong FragmentTimecode, string FragmentNumber, int? ErrorId = null, string? ErrorCode = null)
{
    /// <summary>The timecode of an ACK that names no fragment (the PIC likewise reads -1 as "invalid timestamp").</summary>
    public const ulong NoTimecode = ulong.MaxValue;

    /// <summary>True when the ACK names a fragment by timecode.</summary>
    public bool HasFragmentTimecode => FragmentTimecode != NoTimecode;
}
