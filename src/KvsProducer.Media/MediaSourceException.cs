namespace KvsProducer.Media;

/// <summary>A media source could not be opened or read; <see cref="Reason"/> says why, the message what to do.</summary>
public sealed class MediaSourceException : KvsProducerException
{
    /// <summary>Creates the exception.</summary>
    public MediaSourceException(MediaErrorReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public MediaSourceException(MediaErrorReason reason, string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with a reason.</summary>
    public MediaSourceException()
    {
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with a reason.</summary>
    public MediaSourceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with a reason.</summary>
    public MediaSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the source failed.</summary>
    public MediaErrorReason Reason { get; } = MediaErrorReason.Other;
}
