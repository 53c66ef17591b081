namespace KvsProducer.LocalEndpoint.Internal.Mkv;

/// <summary>The ErrorCode strings that go with <see cref="AckErrorId"/>.</summary>
internal static class AckErrorCodes
{
    // Strings of the Java SDK's AckErrorCode enum; 4009–4012 are not in
    // that enum, so their names follow the PIC's SERVICE_CALL_RESULT_* constants [inferred].
    public static string Of(AckErrorId id) => id switch
    {
        AckErrorId.StreamReadError => "STREAM_READ_ERROR",
        AckErrorId.MaxFragmentSizeReached => "MAX_FRAGMENT_SIZE_REACHED",
        AckErrorId.MaxFragmentDurationReached => "MAX_FRAGMENT_DURATION_REACHED",
        AckErrorId.MaxConnectionDurationReached => "MAX_CONNECTION_DURATION_REACHED",
        AckErrorId.FragmentTimecodeLesserThanPrevious => "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS",
        AckErrorId.MoreThanOneTrackFound => "MORE_THAN_ONE_TRACK_FOUND",
        AckErrorId.InvalidMkvData => "INVALID_MKV_DATA",
        AckErrorId.InvalidProducerTimestamp => "INVALID_PRODUCER_TIMESTAMP",
        AckErrorId.StreamNotActive => "STREAM_NOT_ACTIVE",
        AckErrorId.FragmentMetadataLimitReached => "FRAGMENT_METADATA_LIMIT_REACHED",
        AckErrorId.TrackNumberMismatch => "TRACK_NUMBER_MISMATCH",
        AckErrorId.FramesMissingForTrack => "FRAMES_MISSING_FOR_TRACK",
        AckErrorId.MoreThanAllowedTracksFound => "MORE_THAN_ALLOWED_TRACKS_FOUND",
        AckErrorId.StreamDeleted => "STREAM_DELETED",
        AckErrorId.InternalError => "INTERNAL_ERROR",
        AckErrorId.ArchivalError => "ARCHIVAL_ERROR",
        _ => "UNKNOWN_ERROR",
    };
}
