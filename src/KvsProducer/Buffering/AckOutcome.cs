namespace KvsProducer.Buffering;

/// <summary>What an acknowledgement did to the view.</summary>
internal enum AckOutcome
{
    /// <summary>The fragment's state changed.</summary>
    Applied,

    /// <summary>The fragment already had this state (or a final one); nothing changed.</summary>
    Duplicate,

    /// <summary>No buffered fragment has this timecode (the official producers call this "ACK timestamp not in the view window").</summary>
    NotInView,

    /// <summary>The acknowledgement belongs to a session that a newer one replaced; ignored (acknowledgements belong to the connection that sent the fragment).</summary>
    StaleSession,
}
