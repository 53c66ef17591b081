namespace KvsProducer.LocalEndpoint.Internal.Mkv;

/// <summary>
/// Receives what <see cref="MkvIngestParser"/> finds, in body order. Any method may throw
/// <see cref="IngestRejected"/> to end the session with an ERROR ACK.
/// </summary>
internal interface IMkvIngestSink
{
    /// <summary>Every consumed input byte, exactly once, in order, with the region it belongs to.</summary>
    void OnBytes(MkvRegion region, ReadOnlySpan<byte> bytes);

    /// <summary>An EBML header ended; a Segment follows (possibly a new one after a reconnect-style restart).</summary>
    void OnEbmlHeader(string docType);

    void OnTimecodeScale(ulong nanoseconds);

    void OnTrack(ulong number, ulong uid, ulong type, string? codecId, string? name);

    void OnTracksEnd();

    void OnClusterStart();

    void OnClusterTimecode(ulong timecode);

    /// <summary>A SimpleBlock or Block header: the frame's track, timecode relative to the cluster, flags and whole element payload size.</summary>
    void OnBlock(ulong trackNumber, short relativeTimecode, byte flags, long payloadSize);

    void OnClusterEnd();

    /// <summary>A SimpleTag of a level-1 Tags element (strings with trailing NULs removed).</summary>
    void OnSimpleTag(string name, string value);
}
