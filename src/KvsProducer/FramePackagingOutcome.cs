namespace KvsProducer;

/// <summary>What packaging did with a frame.</summary>
public enum FramePackagingOutcome
{
    /// <summary>Written into the current fragment.</summary>
    Written,

    /// <summary>Written as the first frame of a new fragment (a new MKV Cluster).</summary>
    StartedFragment,

    /// <summary>Not written: the stream (or fragment, after an explicit end of fragment) waits for a key frame. Counted in <see cref="MkvFragmenter.FramesSkipped"/>.</summary>
    SkippedBeforeKeyFrame,
}
