namespace KvsProducer;

/// <summary>What a frame is, as far as packaging and the service care.</summary>
[Flags]
public enum FrameFlags
{
    /// <summary>An ordinary (inter-coded) frame.</summary>
    None = 0,

    /// <summary>A key frame (IDR / IRAP): a fragment may start here.</summary>
    KeyFrame = 1,

    /// <summary>The decoder may drop this frame (MKV SimpleBlock flag 0x01).</summary>
    Discardable = 2,

    /// <summary>Decode but do not display (MKV SimpleBlock flag 0x08).</summary>
    Invisible = 4,

    /// <summary>Close the current fragment after this frame (explicit end of fragment).</summary>
    EndOfFragment = 8,
}
