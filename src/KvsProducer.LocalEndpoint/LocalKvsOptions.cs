using Microsoft.Extensions.Logging;

namespace KvsProducer.LocalEndpoint;

/// <summary>
/// How a <see cref="LocalKvs"/> endpoint listens, stores and behaves. Limits default to the real
/// service's; shorten them in tests to reach an error quickly.
/// </summary>
public sealed record LocalKvsOptions
{
    /// <summary>The defaults: any free port on 127.0.0.1, plain HTTP, no authentication, a temporary data directory.</summary>
    public static LocalKvsOptions Default { get; } = new();

    /// <summary>TCP port on 127.0.0.1; 0 picks any free port (read the chosen one from <see cref="LocalKvs.Url"/>).</summary>
    public int Port { get; init; }

    /// <summary>Address to bind; loopback unless told otherwise.</summary>
    public System.Net.IPAddress BindAddress { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>Where streams and fragments are kept; <c>null</c> creates a fresh temporary directory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Serve HTTPS with a generated self-signed certificate; ALPN offers HTTP/1.1 only unless <see cref="Http2"/> is set.</summary>
    public bool Https { get; init; }

    /// <summary>
    /// Also offer HTTP/2 (ALPN h2) over HTTPS. Off by default: the official C producer signs
    /// <c>connection</c> and <c>transfer-encoding</c>, which do not exist in HTTP/2, so its PutMedia
    /// fails signature checks over h2 (SigV4 signs the HTTP/1.1 header list). Whether the real service offers h2
    /// is not documented: this option is unverified against it.
    /// </summary>
    public bool Http2 { get; init; }

    /// <summary>Access key id that signed requests must use; with <see cref="SecretKey"/> it turns SigV4 verification on.</summary>
    public string? AccessKey { get; init; }

    /// <summary>Secret key matching <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; init; }

    /// <summary>
    /// Session token that signed requests must carry in <c>X-Amz-Security-Token</c>, as with
    /// temporary credentials; only checked when set (with <see cref="AccessKey"/>), ignored otherwise.
    /// </summary>
    public string? SessionToken { get; init; }

    /// <summary>Region used in stream ARNs; with signature checks on, requests must be signed for it (InvalidSignatureException otherwise).</summary>
    public string Region { get; init; } = "us-west-2";

    /// <summary>Account id used in stream ARNs.</summary>
    public string AccountId { get; init; } = "123456789012";

    /// <summary>A fragment larger than this gets ERROR 4001.</summary>
    public long MaxFragmentSize { get; init; } = 50L * 1024 * 1024;

    /// <summary>A fragment spanning more than this gets ERROR 4002.</summary>
    public TimeSpan MaxFragmentDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A PutMedia connection older than this gets ERROR 4003.</summary>
    public TimeSpan MaxConnectionDuration { get; init; } = TimeSpan.FromMinutes(45);

    /// <summary>How far in the future a producer timestamp may be before ERROR 4007 (the service's value is not documented).</summary>
    public TimeSpan FutureTimestampTolerance { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Tracks allowed per stream (ERROR 4012 above it).</summary>
    public int MaxTracks { get; init; } = 3;

    /// <summary>User metadata items per fragment (ERROR 4009 above it).</summary>
    public int MaxFragmentMetadataItems { get; init; } = 10;

    /// <summary>Longest metadata name in bytes (ERROR 4009 above it).</summary>
    public int MaxMetadataNameLength { get; init; } = 128;

    /// <summary>Longest metadata value in bytes (ERROR 4009 above it).</summary>
    public int MaxMetadataValueLength { get; init; } = 256;

    /// <summary>IDLE ACKs are sent this often while no body bytes arrive.</summary>
    public TimeSpan IdleAckInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The session is closed after this long without body bytes.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A new stream reports CREATING this long before ACTIVE (PutMedia before then gets ERROR 4008); zero makes it ACTIVE at once.</summary>
    public TimeSpan StreamCreationDelay { get; init; }

    /// <summary>A deleted stream reports DELETING to DescribeStream this long (its name cannot be reused meanwhile); zero removes it at once.</summary>
    public TimeSpan StreamDeletionDelay { get; init; }

    /// <summary>Most streams the endpoint holds (AccountStreamLimitExceeded above it).</summary>
    public int MaxStreams { get; init; } = 10_000;

    /// <summary>GetDataEndpoint answers this instead of the endpoint's own URL (a proxy in front of PutMedia, for network-fault tests); <c>null</c> answers the endpoint's URL.</summary>
    public Uri? AdvertisedDataEndpoint { get; init; }

    /// <summary>Faults to inject from the start; change them at run time with <see cref="LocalKvs.Faults"/> or <c>POST /_admin/faults</c>.</summary>
    public LocalKvsFaults Faults { get; init; } = LocalKvsFaults.None;

    /// <summary>Clock for timestamps, idle timers, connection age and SigV4 skew.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the endpoint (and Kestrel under it) logs; <c>null</c> logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    internal bool AuthenticationEnabled => !string.IsNullOrEmpty(AccessKey) && !string.IsNullOrEmpty(SecretKey);

    /// <summary>Checks every option once, naming the option, the bad value and the allowed range.</summary>
    internal void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, $"{nameof(Port)} must be 0 (any free port) or 1–65535.");
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            throw new ArgumentException($"Set both {nameof(AccessKey)} and {nameof(SecretKey)} to verify signatures, or neither to accept any request.", nameof(AccessKey));
        }

        if (SessionToken is not null && !AuthenticationEnabled)
        {
            throw new ArgumentException($"{nameof(SessionToken)} is checked only with {nameof(AccessKey)} and {nameof(SecretKey)}: set them too, or leave {nameof(SessionToken)} unset.", nameof(SessionToken));
        }

        if (Http2 && !Https)
        {
            throw new ArgumentException($"{nameof(Http2)} needs {nameof(Https)}: HTTP/2 is offered through TLS ALPN only.", nameof(Http2));
        }

        RequirePositive(MaxFragmentSize, nameof(MaxFragmentSize));
        RequirePositive(MaxFragmentDuration, nameof(MaxFragmentDuration));
        RequirePositive(MaxConnectionDuration, nameof(MaxConnectionDuration));
        RequirePositive(IdleAckInterval, nameof(IdleAckInterval));
        RequirePositive(IdleTimeout, nameof(IdleTimeout));
        if (FutureTimestampTolerance < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FutureTimestampTolerance), FutureTimestampTolerance, $"{nameof(FutureTimestampTolerance)} must not be negative.");
        }

        RequirePositive(MaxTracks, nameof(MaxTracks));
        RequirePositive(MaxFragmentMetadataItems, nameof(MaxFragmentMetadataItems));
        RequirePositive(MaxMetadataNameLength, nameof(MaxMetadataNameLength));
        RequirePositive(MaxMetadataValueLength, nameof(MaxMetadataValueLength));
        RequirePositive(MaxStreams, nameof(MaxStreams));
        if (StreamCreationDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StreamCreationDelay), StreamCreationDelay, $"{nameof(StreamCreationDelay)} must not be negative.");
        }

        if (StreamDeletionDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StreamDeletionDelay), StreamDeletionDelay, $"{nameof(StreamDeletionDelay)} must not be negative.");
        }

        ArgumentNullException.ThrowIfNull(Faults);
        Faults.Validate();
    }

    private static void RequirePositive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be greater than 0.");
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be greater than zero.");
        }
    }
}
