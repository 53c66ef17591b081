using KvsProducer.LocalEndpoint.Internal.Json;

namespace KvsProducer.LocalEndpoint.Internal.WebConsole;

// What the console page reads from /console/api/*.

internal class ConsoleStream
{
    public required string StreamName { get; set; }

    public required string Status { get; set; }

    public int DataRetentionInHours { get; set; }

    public int FragmentCount { get; set; }
}

internal sealed class ConsoleStreamDetails : ConsoleStream
{
    public Dictionary<string, string> Tags { get; set; } = [];

    public List<FragmentInfo> Fragments { get; set; } = [];
}
