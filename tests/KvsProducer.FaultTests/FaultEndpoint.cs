namespace KvsProducer.FaultTests;

/// <summary>The endpoint a scenario runs against.</summary>
internal enum FaultEndpoint
{
    /// <summary><c>kvs local</c>, the project's own endpoint (read back with <c>kvs get-media</c>).</summary>
    Local,

    /// <summary>standin/kvs_standin.py, written in Python from kvs-protocol.md alone (its stored MKV read directly).</summary>
    StandIn,
}
