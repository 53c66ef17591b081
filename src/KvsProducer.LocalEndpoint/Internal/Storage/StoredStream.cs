using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Live;

namespace KvsProducer.LocalEndpoint.Internal.Storage;

/// <summary>A stream the endpoint holds: its control-plane state and its fragments.</summary>
internal sealed class StoredStream
{
    public StoredStream(StreamState state, FragmentStore fragments)
    {
        State = state;
        Fragments = fragments;
    }

    /// <summary>Mutated only under the registry's lock.</summary>
    public StreamState State { get; }

    public FragmentStore Fragments { get; }

    /// <summary>The last minutes of fragments, the one being received included, for live GetMedia (retention 0 too).</summary>
    public LiveBuffer Live { get; } = new();

    /// <summary>Set when the stream is deleted, so live PutMedia sessions stop with ERROR 4507.</summary>
    public volatile bool Deleted;

    public StreamInfo ToStreamInfo() => new()
    {
        DeviceName = State.DeviceName,
        StreamName = State.Name,
        StreamARN = State.Arn,
        MediaType = State.MediaType,
        KmsKeyId = State.KmsKeyId,
        Version = State.Version,
        Status = State.Status,
        CreationTime = State.CreationTime,
        DataRetentionInHours = State.DataRetentionInHours,
    };
}
