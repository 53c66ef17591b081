namespace KvsProducer;

/// <summary>How cluster (fragment) timecodes are written; sent to the service as <c>x-amzn-fragment-timecode-type</c>.</summary>
public enum FragmentTimecodes
{
    /// <summary>The frames' own timestamps (typically wall-clock epoch time): the official C producer's default.</summary>
    Absolute,

    /// <summary>Relative to the first frame of the stream; the service adds the producer start timestamp.</summary>
    Relative,
}
