namespace KvsProducer.Buffering;

/// <summary>One frame in a view's ring (the official producers' 48-byte ViewItem, here 64 bytes).</summary>
/// <remarks>
/// Fragment-wide state (<see cref="Fragment"/>, <see cref="NextFragment"/>) is kept on the record that
/// starts the fragment; every record points at that start through <see cref="FragmentStart"/>.
/// </remarks>
internal struct FrameRecord
{
    /// <summary>Offset of the frame's first packaged byte in the stream's <see cref="SegmentLog"/>.</summary>
    public long Offset;

    /// <summary>Packaged bytes (Tags and Cluster header when it starts a fragment, then the SimpleBlock).</summary>
    public int Length;

    public FrameFlags Flags;

    public FragmentState Fragment;

    public long PresentationTicks;

    public long DecodingTicks;

    public long DurationTicks;

    /// <summary>The index of the record that starts this frame's fragment.</summary>
    public long FragmentStart;

    /// <summary>The Cluster Timecode of this frame's fragment; non-decreasing along the ring, so ACKs are found by binary search.</summary>
    public long FragmentTimecode;

    /// <summary>On a fragment start: the index of the next fragment's start, or -1 while the fragment is still open.</summary>
    public long NextFragment;

    public readonly long End => Offset + Length;

    public readonly bool StartsFragment => (Fragment & FragmentState.Start) != 0;
}
