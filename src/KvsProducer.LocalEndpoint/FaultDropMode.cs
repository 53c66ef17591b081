namespace KvsProducer.LocalEndpoint;

/// <summary>How an injected connection drop ends the TCP connection.</summary>
public enum FaultDropMode
{
    /// <summary>TCP RST (linger 0), as a crashed proxy or a NAT timeout looks.</summary>
    Reset,

    /// <summary>Orderly FIN in both directions, as a server closing early looks.</summary>
    Close,
}
