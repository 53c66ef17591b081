namespace KvsProducer.Mkv;

/// <summary>
/// What packaging a frame will do, decided by <see cref="MkvFragmenter.Plan"/> before anything is written.
/// </summary>
/// <param name="Outcome">Skip, continue the fragment, or start one.</param>
/// <param name="PtsUnits">The presentation time in TimecodeScale units.</param>
/// <param name="PayloadLength">The frame's bytes once length-prefixed.</param>
/// <param name="NewHeader">The stream header, when this frame is the first one written.</param>
/// <param name="PictureSize">The picture size the header declares (with <paramref name="NewHeader"/>).</param>
/// <param name="ClusterTimecode">For a fragment start: the Cluster Timecode, which the service echoes in ACKs.</param>
/// <param name="PackagedLength">Every byte the frame will add to the output (tags, cluster, block, end tag).</param>
internal readonly record struct FramePlan(
    FramePackagingOutcome Outcome,
    long PtsUnits,
    int PayloadLength,
    byte[]? NewHeader,
    (int Width, int Height) PictureSize,
    long ClusterTimecode,
    long PackagedLength);
