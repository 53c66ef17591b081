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
    private FileStream _index;
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

    /// <summary>
    /// DataRetentionInHours: drops fragments whose server timestamp is
    /// older than <paramref name="cutoffMs"/>. The index is replaced atomically first, then the
    /// files go; a crash in between leaves only unreferenced files. Returns how many went.
    /// </summary>
    public int PruneOlderThan(long cutoffMs)
    {
        List<FragmentRecord> expired;
        lock (_gate)
        {
            int keepFrom = _fragments.FindIndex(f => f.ServerTimestampMs >= cutoffMs);
            if (keepFrom == 0 || _fragments.Count == 0)
            {
                return 0;
            }

            keepFrom = keepFrom < 0 ? _fragments.Count : keepFrom;
            expired = _fragments.GetRange(0, keepFrom);
            _fragments.RemoveRange(0, keepFrom);
            using var rewritten = new MemoryStream();
            foreach (FragmentRecord record in _fragments)
            {
                rewritten.Write(JsonSerializer.SerializeToUtf8Bytes(record, LocalKvsJsonContext.Default.FragmentRecord));
                rewritten.WriteByte((byte)'\n');
            }

            string indexPath = _index.Name;
            _index.Dispose();
            DurableFile.WriteAtomically(indexPath, rewritten.GetBuffer().AsSpan(0, (int)rewritten.Length));
            _index = new FileStream(indexPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        }

        HashSet<string> headersInUse;
        lock (_gate)
        {
            headersInUse = [.. _fragments.Select(f => f.HeaderFile)];
        }

        foreach (FragmentRecord record in expired)
        {
            TryDelete(PathOf(record.File));
            if (!headersInUse.Contains(record.HeaderFile))
            {
                TryDelete(PathOf(record.HeaderFile));
            }
        }

        return expired.Count;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A reader still has it open; it is unreferenced now and harmless.
        }
    }

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
