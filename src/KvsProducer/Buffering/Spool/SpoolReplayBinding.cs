namespace KvsProducer.Buffering.Spool;

/// <summary>The binding of a replay stream: frames come from the spool, so the "append" only names the record being replayed.</summary>
internal sealed class SpoolReplayBinding(SpoolFragmentTracker tracker) : ISpoolBinding
{
    /// <summary>The record whose frame is being put.</summary>
    public long Sequence { get; set; } = -1;

    /// <summary>True once the stream stored the current frame (false: skipped before a key frame).</summary>
    public bool Consumed { get; set; }

    public long Append(in Frame frame)
    {
        Consumed = true;
        return Sequence;
    }

    public void Stored(long sequence, in Frame frame, bool startsFragment, long fragmentTimecode)
        => tracker.Stored(sequence, startsFragment, fragmentTimecode, frame.PresentationTime.Ticks);

    public bool OnDropped(FramesDroppedEventArgs dropped) => tracker.OnDropped(dropped);
}
