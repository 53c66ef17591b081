namespace KvsProducer.Buffering;

/// <summary>What an acknowledgement did to the view.</summary>
internal enum AckOutcome
{
    /// <summary>The fragment's state changed.</summary>
    Applied,

    /// <summary>The fragment already had this state (or a final one); nothing changed.</summary>
    Duplicate,

    /// <summary>No buffered fragment has this timecode (kvs-protocol.md §4.5: ACK timestamp not in the view window).</summary>
    NotInView,

    /// <summary>The acknowledgement belongs to a session that a newer one replaced; ignored (kvs-protocol.md §4.4, last line).</summary>
    StaleSession,
}
