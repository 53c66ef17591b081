namespace KvsProducer.LocalEndpoint.Internal.Mkv;

/// <summary>
/// A PutMedia body the service refuses: the ERROR ACK id and code and a
/// sentence saying what was wrong. Ends the session (the service closes after an ERROR ACK).
/// </summary>
internal sealed class IngestRejected : Exception
{
    public IngestRejected(AckErrorId errorId, string message)
        : base(message)
    {
        ErrorId = errorId;
    }

    public IngestRejected()
        : this(AckErrorId.InvalidMkvData, "Invalid MKV data.")
    {
    }

    public IngestRejected(string message)
        : this(AckErrorId.InvalidMkvData, message)
    {
    }

    public IngestRejected(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorId = AckErrorId.InvalidMkvData;
    }

    public AckErrorId ErrorId { get; }
}
