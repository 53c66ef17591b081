namespace KvsProducer.Buffering;

/// <summary>Whether an ERROR acknowledgement's fragment is sent again or given up (the ErrorId catalogue in the PutMedia reference: https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_dataplane_PutMedia.html).</summary>
internal static class ErrorAckPolicy
{
    /// <summary>
    /// True for the ids the official SDK resends: 4000 stream read error, 4003 connection duration reached,
    /// 5000 internal error, 5001 archival error, and any id it does not know (mapped to 7000, resend).
    /// Every other listed id (fragment too big or too long, timecode order, invalid MKV, producer
    /// timestamp, stream state, tracks, metadata, KMS) is skipped: the same bytes would fail again.
    /// </summary>
    public static bool IsResent(int errorId) => errorId switch
    {
        4000 or 4003 or 5000 or 5001 => true,
        4001 or 4002 or 4004 or 4005 or 4006 or 4007 or 4008 or 4009 or 4010 or 4011 or 4012 => false,
        >= 4500 and <= 4507 => false,
        _ => true,
    };
}
