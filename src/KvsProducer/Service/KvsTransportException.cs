namespace KvsProducer.Service;

/// <summary>
/// The connection to a Kinesis Video Streams endpoint failed; <see cref="Failure"/> says how, the message says
/// where (host, port, byte offset) and what to check.
/// </summary>
public sealed class KvsTransportException : KvsProducerException
{
    /// <summary>Creates the exception.</summary>
    public KvsTransportException(KvsTransportFailure failure, string message, Exception? innerException = null)
        : base(message, innerException!)
    {
        Failure = failure;
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with a failure kind.</summary>
    public KvsTransportException()
    {
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with a failure kind.</summary>
    public KvsTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with a failure kind.</summary>
    public KvsTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failure = KvsTransportFailure.Network;
    }

    /// <summary>How the connection failed.</summary>
    public KvsTransportFailure Failure { get; } = KvsTransportFailure.Network;

    /// <summary>True when a new connection may succeed (everything except malformed data, which a retry repeats).</summary>
    public bool IsTransient => Failure is not (KvsTransportFailure.MalformedHttp or KvsTransportFailure.MalformedAck);
}
