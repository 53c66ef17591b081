namespace KvsProducer.Buffering;

/// <summary>What is known about a fragment (kept on its first record).</summary>
[Flags]
internal enum FragmentState : byte
{
    None = 0,

    /// <summary>This record starts a fragment.</summary>
    Start = 1,

    /// <summary>A BUFFERING acknowledgement came: the service got the fragment's first byte.</summary>
    Buffering = 2,

    /// <summary>A RECEIVED acknowledgement came: the service got the whole fragment. Never resent: a new session
    /// settles it as persisted (unconfirmed) if its PERSISTED did not come, and an ERROR asking to resend clears it.</summary>
    Received = 4,

    /// <summary>PERSISTED (or RECEIVED for a stream that keeps no data): done, never sent again, freed at the tail.</summary>
    Persisted = 8,

    /// <summary>Refused by a non-retriable ERROR acknowledgement: reported dropped, never sent again.</summary>
    Skipped = 16,

    /// <summary>Sent on a session that ended with neither RECEIVED nor PERSISTED for it: a hung endpoint may still store
    /// it, so sending it again may store it twice (counted as resent unconfirmed).</summary>
    SentUnanswered = 32,
}
