namespace KvsProducer.Service;

/// <summary>What went wrong on the connection to a Kinesis Video Streams endpoint.</summary>
public enum KvsTransportFailure
{
    /// <summary>The host name did not resolve.</summary>
    NameResolution,

    /// <summary>Every address refused the TCP connection (nothing listens on that port).</summary>
    ConnectionRefused,

    /// <summary>The TCP connect or the TLS handshake did not finish within the connect timeout.</summary>
    ConnectTimeout,

    /// <summary>The network or host was unreachable.</summary>
    Unreachable,

    /// <summary>The TLS handshake failed: certificate rejected, protocol mismatch or a client certificate problem.</summary>
    Tls,

    /// <summary>The peer reset the connection (TCP RST).</summary>
    ConnectionReset,

    /// <summary>The peer closed the connection before the exchange was complete.</summary>
    PeerClosed,

    /// <summary>The peer sent bytes that are not valid HTTP/1.1.</summary>
    MalformedHttp,

    /// <summary>A write made no progress, or a read received no bytes, for longer than the stall timeout.</summary>
    Stalled,

    /// <summary>The PutMedia acknowledgement stream held text that is not a valid ACK object.</summary>
    MalformedAck,

    /// <summary>Another socket error; the inner exception has the details.</summary>
    Network,
}
