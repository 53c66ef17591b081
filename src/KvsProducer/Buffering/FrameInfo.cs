namespace KvsProducer.Buffering;

/// <summary>What the view records about a frame the MKV writer is about to package into the store.</summary>
/// <param name="PresentationTime">The frame's presentation time.</param>
/// <param name="DecodingTime">The frame's decoding time (frames arrive in increasing decoding time).</param>
/// <param name="Duration">The frame's duration; zero when unknown.</param>
/// <param name="Flags">The frame's flags.</param>
/// <param name="StartsFragment">True when the writer opens a new Cluster (fragment) with this frame.</param>
/// <param name="FragmentTimecode">For a fragment start: the Cluster Timecode exactly as written, which the
/// service echoes in the ACK's FragmentTimecode (PutMedia reference: the Cluster Timecode as sent). Ignored otherwise.</param>
internal readonly record struct FrameInfo(
    TimeSpan PresentationTime,
    TimeSpan DecodingTime,
    TimeSpan Duration,
    FrameFlags Flags,
    bool StartsFragment,
    long FragmentTimecode);
