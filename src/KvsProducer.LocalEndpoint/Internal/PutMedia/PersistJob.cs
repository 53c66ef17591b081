using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Storage;

namespace KvsProducer.LocalEndpoint.Internal.PutMedia;

/// <summary>A received fragment waiting to be made durable and acknowledged PERSISTED.</summary>
internal sealed record PersistJob(FragmentRecord Record, FileStream File, SessionHeader Header, bool AckRequired)
{
    /// <summary>
    /// PERSISTED means durably stored. Order: fragment file fsync, header
    /// file written and fsynced once, directory fsync (the new names), then the index line (fsync):
    /// a crash before the index line loses only an unacknowledged fragment.
    /// </summary>
    public void Persist(FragmentStore store, int retentionHours)
    {
        File.Flush(flushToDisk: true);
        File.Dispose();
        if (!Header.Persisted)
        {
            using (var header = new FileStream(store.PathOf(Header.File!), FileMode.Create, FileAccess.Write, FileShare.Read))
            {
                header.Write(Header.Bytes);
                header.Flush(flushToDisk: true);
            }

            Header.Persisted = true;
        }

        NativeMethods.FsyncDirectory(store.Folder);
        store.Commit(Record);
        if (retentionHours > 0)
        {
            store.PruneOlderThan(Record.ServerTimestampMs - (retentionHours * 3_600_000L));
        }
    }

    /// <summary>Drops a job that will never be committed (session torn down).</summary>
    public void Discard(FragmentStore store)
    {
        try
        {
            File.Dispose(); // flushes what is buffered, which fails again on a full disk
        }
        catch (IOException)
        {
        }

        try
        {
            System.IO.File.Delete(store.PathOf(Record.File));
        }
        catch (IOException)
        {
        }
    }
}
