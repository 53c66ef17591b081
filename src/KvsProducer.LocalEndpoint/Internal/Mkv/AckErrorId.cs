namespace KvsProducer.LocalEndpoint.Internal.Mkv;

/// <summary>The ErrorId values of PutMedia ERROR ACKs this endpoint emits.</summary>
internal enum AckErrorId
{
    StreamReadError = 4000,
    MaxFragmentSizeReached = 4001,
    MaxFragmentDurationReached = 4002,
    MaxConnectionDurationReached = 4003,
    FragmentTimecodeLesserThanPrevious = 4004,
    MoreThanOneTrackFound = 4005,
    InvalidMkvData = 4006,
    InvalidProducerTimestamp = 4007,
    StreamNotActive = 4008,
    FragmentMetadataLimitReached = 4009,
    TrackNumberMismatch = 4010,
    FramesMissingForTrack = 4011,
    MoreThanAllowedTracksFound = 4012,
    StreamDeleted = 4507,
    InternalError = 5000,
    ArchivalError = 5001,
}
