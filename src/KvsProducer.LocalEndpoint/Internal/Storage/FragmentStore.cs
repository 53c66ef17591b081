using System.Text.Json;
using KvsProducer.LocalEndpoint.Internal.Json;

namespace KvsProducer.LocalEndpoint.Internal.Storage;

/// <summary>
/// One stream's persisted fragments: a folder with one file per fragment, one file per session
/// header, and <c>fragments.jsonl</c>, an append-only index whose lines are written (and fsynced)
/// only after the fragment file is on disk. A line is the commit point: a fragment without one
/// (a crash mid-write) does not exist; a torn last line is ignored on load.
/// </summary>
internal sealed class FragmentStore : IDisposable
{
    private const string IndexName = "fragments.jsonl";
    private readonly object _gate = new();
    private readonly List<FragmentRecord> _fragments = [];
    private readonly FileStream _index;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FragmentStore(string folder)
    {
        Folder = folder;
        Directory.CreateDirectory(folder);
        string indexPath = Path.Combine(folder, IndexName);
        bool created = !File.Exists(indexPath);
        long validLength = created ? 0 : Load(indexPath);
        _index = new FileStream(indexPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        // Drop a torn tail so the next line starts clean.
        _index.SetLength(validLength);
        _index.Position = validLength;
        if (created)
        {
            _index.Flush(flushToDisk: true);
            NativeMethods.FsyncDirectory(folder);
        }
    }

    public string Folder { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _fragments.Count;
            }
        }
    }

    /// <summary>The highest fragment number held, or null.</summary>
    public string? LastNumber
    {
        get
        {
            lock (_gate)
            {
                return _fragments.Count == 0 ? null : _fragments[^1].Number;
            }
        }
    }

    /// <summary>A copy of the fragments, in fragment-number order.</summary>
    public FragmentRecord[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _fragments];
        }
    }

    /// <summary>Completes when a fragment is appended after this call.</summary>
    public Task NextAppendAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _appended.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Commits a fragment whose file (and header file) are already flushed to disk.</summary>
    public void Commit(FragmentRecord record)
    {
        byte[] line = JsonSerializer.SerializeToUtf8Bytes(record, LocalKvsJsonContext.Default.FragmentRecord);
        TaskCompletionSource appended;
        lock (_gate)
        {
            _index.Write(line);
            _index.WriteByte((byte)'\n');
            _index.Flush(flushToDisk: true);
            _fragments.Add(record);
            appended = _appended;
            _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        appended.TrySetResult();
    }

    public string PathOf(string file) => Path.Combine(Folder, file);

    public void Dispose()
    {
        TaskCompletionSource appended;
        lock (_gate)
        {
            _index.Dispose();
            appended = _appended;
        }

        // Live GetMedia readers waiting for the next fragment stop (stream deleted or endpoint stopped).
        appended.TrySetCanceled();
    }

    private long Load(string indexPath)
    {
        byte[] bytes = File.ReadAllBytes(indexPath);
        long valid = 0;
        int start = 0;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                break; // torn last line: the fragment was never acknowledged PERSISTED
            }

            FragmentRecord? record;
            try
            {
                record = JsonSerializer.Deserialize(bytes.AsSpan(start, end - start), LocalKvsJsonContext.Default.FragmentRecord);
            }
            catch (JsonException)
            {
                break;
            }

            if (record is null || !File.Exists(Path.Combine(Folder, record.File)))
            {
                break;
            }

            _fragments.Add(record);
            start = end + 1;
            valid = start;
        }

        return valid;
    }

    public override string ToString() => $"{Folder} ({Count} fragments)";
}
