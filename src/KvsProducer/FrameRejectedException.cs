namespace KvsProducer;

/// <summary>A frame was refused; <see cref="Reason"/> says which rule it broke, the message says what to do.</summary>
public sealed class FrameRejectedException : KvsProducerException
{
    /// <summary>Creates the exception.</summary>
    public FrameRejectedException(FrameRejectionReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with a reason.</summary>
    public FrameRejectedException()
    {
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with a reason.</summary>
    public FrameRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with a reason.</summary>
    public FrameRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Which rule the frame broke.</summary>
    public FrameRejectionReason Reason { get; }
}
