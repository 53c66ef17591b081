namespace KvsProducer.Auth;

/// <summary>A credentials provider could not produce usable credentials; the message says what to fix.</summary>
public sealed class CredentialsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CredentialsException(CredentialsFailure failure, string message, int? httpStatusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        HttpStatusCode = httpStatusCode;
    }

    /// <summary>Not for use: every credentials error has a <see cref="CredentialsFailure"/>.</summary>
    public CredentialsException()
        : this(CredentialsFailure.NotResolved, "Credentials could not be obtained.")
    {
    }

    /// <summary>Not for use: every credentials error has a <see cref="CredentialsFailure"/>.</summary>
    public CredentialsException(string message)
        : this(CredentialsFailure.NotResolved, message)
    {
    }

    /// <summary>Not for use: every credentials error has a <see cref="CredentialsFailure"/>.</summary>
    public CredentialsException(string message, Exception innerException)
        : this(CredentialsFailure.NotResolved, message, null, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public CredentialsFailure Failure { get; }

    /// <summary>The HTTP status the credentials service answered with, when it answered.</summary>
    public int? HttpStatusCode { get; }
}
