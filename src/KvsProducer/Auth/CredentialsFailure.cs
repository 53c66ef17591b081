namespace KvsProducer.Auth;

/// <summary>Why a credentials provider could not produce usable credentials.</summary>
public enum CredentialsFailure
{
    /// <summary>The credentials file does not exist or cannot be read.</summary>
    FileNotFound,

    /// <summary>The credentials file, certificate or service response is not in the expected format.</summary>
    InvalidFormat,

    /// <summary>The only credentials available have expired and no fresh ones could be obtained.</summary>
    Expired,

    /// <summary>The credentials service answered with an error status (see <see cref="CredentialsException.HttpStatusCode"/>).</summary>
    Refused,

    /// <summary>The credentials service could not be reached (DNS, TCP, TLS handshake, timeout).</summary>
    Unreachable,

    /// <summary>The AWS SDK credential chain found no credentials or one of its sources failed.</summary>
    NotResolved,
}
