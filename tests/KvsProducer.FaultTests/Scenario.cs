namespace KvsProducer.FaultTests;

/// <summary>
/// One fault scenario: which endpoint, which producer command over how much media, and the faults
/// (faults/run-scenario.sh documents their syntax: loss:PCT, delay:MEAN:JITTER, rate:RATE,
/// blackout:AT:SECONDS, blackouts:FIRST:EVERY:SECONDS, sigstop:AT:SECONDS, kill9:AT:DOWN, diskfull:SIZE).
/// </summary>
/// <param name="Name">Short name, used for the output folder and the fault table.</param>
/// <param name="Endpoint">The endpoint the producer talks to.</param>
/// <param name="Command"><c>stream</c> (Realtime, paced) or <c>upload</c> (Offline, as fast as ACKs allow).</param>
/// <param name="MediaSeconds">Live stream: seconds from its first stored fragment until it is stopped with SIGTERM;
/// upload: the recording's length (the source clip is repeated to cover it).</param>
/// <param name="Faults">The faults, space-separated.</param>
/// <param name="Clip">The recorded clip (tests/data) repeated as the source.</param>
internal sealed record Scenario(string Name, FaultEndpoint Endpoint, string Command, int MediaSeconds, string Faults, string Clip = "h264-640x480.h264")
{
    /// <summary>The output folder's name.</summary>
    public string Id => $"{Endpoint.ToString().ToLowerInvariant()}-{Name}";
}
