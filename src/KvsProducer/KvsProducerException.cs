namespace KvsProducer;

/// <summary>The base of every error KvsProducer raises for a condition outside the caller's code.</summary>
public class KvsProducerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KvsProducerException()
    {
    }

    /// <summary>Creates the exception with a message that says what went wrong and what to do.</summary>
    public KvsProducerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public KvsProducerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
