using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvsProducer.Service;

/// <summary>Connection settings shared by the HTTP/1.1 and HTTP/2 PutMedia transports.</summary>
internal sealed record HttpTransportOptions
{
    public static HttpTransportOptions Default { get; } = new();

    /// <summary>DNS + TCP connect + TLS handshake must finish within this: the official C producer uses curl's 5 s default.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A write that makes no progress, or a read that receives no bytes, for this long fails with
    /// <see cref="KvsTransportFailure.Stalled"/>; null disables it. The official C producer has curl abort below 30 B/s over 30 s.
    /// HTTP/1.1 suspends it while the uploader's stale-connection grace reads a hung exchange; HTTP/2 pings after this
    /// long and waits this long plus the longest grace (2 min) for the answer.
    /// </summary>
    public TimeSpan? StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A PEM file of CA certificates that replaces the system trust store (devices without one); the server's chain
    /// must end in one of them. Null: the system store.
    /// </summary>
    public string? CaBundlePath { get; init; }

    /// <summary>A client certificate with its private key, for mutual TLS (the IoT credentials endpoint).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Where connects, connect failures and stalls are logged.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>The clock for connect timeouts and stall detection.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks every setting once; the message names the option, the bad value and the allowed range.</summary>
    public void Validate()
    {
        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, $"{nameof(ConnectTimeout)} {ConnectTimeout} must be between 0 (exclusive) and 5 minutes.");
        }

        if (StallTimeout is { } stall && (stall < TimeSpan.FromMilliseconds(10) || stall > TimeSpan.FromHours(1)))
        {
            throw new ArgumentOutOfRangeException(nameof(StallTimeout), stall, $"{nameof(StallTimeout)} {stall} must be between 10 ms and 1 hour, or null to disable stall detection.");
        }

        if (CaBundlePath is not null && !File.Exists(CaBundlePath))
        {
            throw new ArgumentException($"{nameof(CaBundlePath)} '{CaBundlePath}' does not exist: give the path of a PEM file of CA certificates, or null to use the system trust store.", nameof(CaBundlePath));
        }

        if (ClientCertificate is { HasPrivateKey: false })
        {
            throw new ArgumentException($"{nameof(ClientCertificate)} '{ClientCertificate.Subject}' has no private key: load it together with its key (e.g. X509Certificate2.CreateFromPemFile(cert, key)).", nameof(ClientCertificate));
        }
    }
}
