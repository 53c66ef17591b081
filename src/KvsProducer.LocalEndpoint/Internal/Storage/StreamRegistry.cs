using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using KvsProducer.LocalEndpoint.Internal.Json;

namespace KvsProducer.LocalEndpoint.Internal.Storage;

/// <summary>
/// Every stream of the endpoint, persisted in <c>state.json</c> (atomic replace on every change)
/// so that streams survive a restart or a kill -9.
/// </summary>
internal sealed class StreamRegistry : IDisposable
{
    private const string StateName = "state.json";
    private readonly object _gate = new();
    private readonly Dictionary<string, StoredStream> _byName = new(StringComparer.Ordinal);
    private readonly string _dataDirectory;
    private readonly TimeProvider _time;

    public StreamRegistry(string dataDirectory, TimeProvider time)
    {
        _dataDirectory = dataDirectory;
        _time = time;
        Directory.CreateDirectory(Path.Combine(dataDirectory, "streams"));
        string statePath = Path.Combine(dataDirectory, StateName);
        if (File.Exists(statePath))
        {
            StateDocument document;
            try
            {
                document = JsonSerializer.Deserialize(File.ReadAllBytes(statePath), LocalKvsJsonContext.Default.StateDocument) ?? new();
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The local KVS state file '{statePath}' is not valid JSON ({e.Message}). Restore it or start with an empty data directory.", e);
            }

            long nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (StreamState state in document.Streams)
            {
                var fragments = new FragmentStore(FolderOf(state));
                if (state.DataRetentionInHours > 0)
                {
                    // Fragments that expired while the endpoint was down.
                    fragments.PruneOlderThan(nowMs - (state.DataRetentionInHours * 3_600_000L));
                }

                _byName[state.Name] = new StoredStream(state, fragments);
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byName.Count;
            }
        }
    }

    /// <summary>Adds a stream; null when one with that name exists.</summary>
    public StoredStream? TryAdd(StreamState state)
    {
        lock (_gate)
        {
            if (_byName.ContainsKey(state.Name))
            {
                return null;
            }

            var stream = new StoredStream(state, new FragmentStore(FolderOf(state)));
            _byName[state.Name] = stream;
            SaveLocked();
            return stream;
        }
    }

    public StoredStream? FindByName(string name)
    {
        lock (_gate)
        {
            return _byName.GetValueOrDefault(name);
        }
    }

    public StoredStream? FindByArn(string arn)
    {
        lock (_gate)
        {
            foreach (StoredStream stream in _byName.Values)
            {
                if (string.Equals(stream.State.Arn, arn, StringComparison.Ordinal))
                {
                    return stream;
                }
            }

            return null;
        }
    }

    /// <summary>Streams sorted by name, as ListStreams pages them.</summary>
    public List<StoredStream> ListSorted()
    {
        lock (_gate)
        {
            var list = _byName.Values.ToList();
            list.Sort((a, b) => string.CompareOrdinal(a.State.Name, b.State.Name));
            return list;
        }
    }

    /// <summary>Reads stream state under the lock that guards its changes.</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    /// <summary>Runs <paramref name="change"/> under the lock, then persists; the change may throw to refuse.</summary>
    public void Update(StoredStream stream, Action<StreamState> change)
    {
        lock (_gate)
        {
            if (stream.Deleted)
            {
                throw ServiceError.ResourceNotFound("The requested stream is not found or not active.");
            }

            change(stream.State);
            SaveLocked();
        }
    }

    public void Remove(StoredStream stream, string? currentVersion)
    {
        lock (_gate)
        {
            if (stream.Deleted || !_byName.ContainsKey(stream.State.Name))
            {
                throw ServiceError.ResourceNotFound("The requested stream is not found or not active.");
            }

            if (currentVersion is not null && !string.Equals(currentVersion, stream.State.Version, StringComparison.Ordinal))
            {
                throw ServiceError.VersionMismatch($"CurrentVersion '{currentVersion}' does not match the stream's version '{stream.State.Version}': call DescribeStream for the current version.");
            }

            stream.Deleted = true;
            _byName.Remove(stream.State.Name);
            SaveLocked();
        }

        stream.Fragments.Dispose();
        try
        {
            Directory.Delete(stream.Fragments.Folder, recursive: true);
        }
        catch (IOException)
        {
            // A reader still holds a file open; the folder name is unique, so the leftover is harmless.
        }
    }

    /// <summary>A new, unique stream-folder name (creation time plus randomness).</summary>
    public string NewFolderName(string streamName)
    {
        long ms = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return string.Create(CultureInfo.InvariantCulture, $"{streamName}-{ms}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (StoredStream stream in _byName.Values)
            {
                stream.Fragments.Dispose();
            }
        }
    }

    private string FolderOf(StreamState state) => Path.Combine(_dataDirectory, "streams", state.Folder);

    private void SaveLocked()
    {
        var document = new StateDocument { Streams = [.. _byName.Values.Select(s => s.State)] };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(document, LocalKvsJsonContext.Default.StateDocument);
        DurableFile.WriteAtomically(Path.Combine(_dataDirectory, StateName), json);
    }
}
