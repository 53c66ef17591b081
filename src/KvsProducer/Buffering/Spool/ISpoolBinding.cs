namespace KvsProducer.Buffering.Spool;

/// <summary>
/// What a <see cref="KinesisVideoStream"/> tells its disk buffer about each frame it stores: <see cref="Append"/>
/// between packaging and making the frame visible to the sender (write-ahead), then <see cref="Stored"/> with the
/// fragment the frame went into, so the fragment's acknowledgement can release the frame's record.
/// </summary>
internal interface ISpoolBinding
{
    /// <summary>Writes the frame to disk (a live stream) or names the record it came from (a replay); -1 when it has no record.</summary>
    long Append(in Frame frame);

    /// <summary>The frame with record <paramref name="sequence"/> is in the memory buffer, in the fragment with Cluster Timecode <paramref name="fragmentTimecode"/>.</summary>
    void Stored(long sequence, in Frame frame, bool startsFragment, long fragmentTimecode);

    /// <summary>The memory buffer dropped frames; true when the disk keeps every one of them (spilled: not lost, so not reported as dropped).</summary>
    bool OnDropped(FramesDroppedEventArgs dropped);
}
