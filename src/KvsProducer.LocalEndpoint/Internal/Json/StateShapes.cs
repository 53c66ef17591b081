namespace KvsProducer.LocalEndpoint.Internal.Json;

// What the endpoint keeps in its data directory: streams (state.json) and, per stream, one
// index line per persisted fragment (fragments.jsonl).

internal sealed class StateDocument
{
    public List<StreamState> Streams { get; set; } = [];
}

internal sealed class StreamState
{
    public required string Name { get; set; }

    public required string Arn { get; set; }

    public string? DeviceName { get; set; }

    public string? MediaType { get; set; }

    public string? KmsKeyId { get; set; }

    public required string Version { get; set; }

    public required string Status { get; set; }

    public double CreationTime { get; set; }

    public int DataRetentionInHours { get; set; }

    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public string? StorageTier { get; set; }

    /// <summary>Folder under <c>streams/</c> holding this stream's fragments (unique per creation, so a re-created stream starts empty).</summary>
    public required string Folder { get; set; }
}

internal sealed class FragmentRecord
{
    public required string Number { get; set; }

    /// <summary>File (in the stream folder) with the producer's header elements of the session this fragment came in.</summary>
    public required string HeaderFile { get; set; }

    public required string File { get; set; }

    public long FragmentTimecode { get; set; }

    public long ProducerTimestampMs { get; set; }

    public long ServerTimestampMs { get; set; }

    public long DurationMs { get; set; }

    public long SizeBytes { get; set; }

    public List<TrackRecord> Tracks { get; set; } = [];
}

internal sealed class TrackRecord
{
    public ulong Number { get; set; }

    public ulong Uid { get; set; }

    public ulong Type { get; set; }

    public string? CodecId { get; set; }

    public string? Name { get; set; }
}
