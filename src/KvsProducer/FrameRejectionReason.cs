namespace KvsProducer;

/// <summary>Why a frame was refused. Nothing already accepted is affected by a refusal.</summary>
public enum FrameRejectionReason
{
    /// <summary>The frame's decoding time is not after the previous frame's.</summary>
    TimestampNotIncreasing,

    /// <summary>The frame starts before the previous frame ends (previous decoding time + duration).</summary>
    TimestampOverlap,

    /// <summary>Presentation time before decoding time, a negative time, or a time beyond what MKV can hold.</summary>
    InvalidTimestamp,

    /// <summary>A key frame would start a fragment at or before a time the previous fragment already showed.</summary>
    FragmentOverlap,

    /// <summary>The frame is larger than the configured maximum.</summary>
    FrameTooLarge,

    /// <summary>The frame holds no bytes.</summary>
    EmptyFrame,

    /// <summary>The bytes are not NAL units in the declared format (no start code, truncated length prefix...).</summary>
    MalformedNalUnits,

    /// <summary>The first key frame carries no SPS/PPS (VPS for H.265) and the track has no codec private data.</summary>
    MissingParameterSets,

    /// <summary>The SPS could not be parsed.</summary>
    InvalidParameterSet,

    /// <summary>The frame names a track that was not declared.</summary>
    UnknownTrack,
}
