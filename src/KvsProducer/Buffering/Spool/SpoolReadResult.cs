namespace KvsProducer.Buffering.Spool;

/// <summary>What <see cref="SpoolSegmentReader.TryReadNext"/> found at the reader's offset.</summary>
internal enum SpoolReadResult
{
    /// <summary>A whole record whose CRC matches.</summary>
    Record,

    /// <summary>The end of the file, exactly at a record boundary.</summary>
    End,

    /// <summary>A torn or damaged record: short, bad header, or CRC mismatch. Nothing from here on can be trusted.</summary>
    Corrupt,
}
