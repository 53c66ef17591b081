using KvsProducer.LocalEndpoint.Internal.Live;

namespace KvsProducer.LocalEndpoint.Internal.ReadBack;

/// <summary>
/// Streams one live-buffer fragment as a GetMedia chunk while PutMedia is still receiving it:
/// the prefix at once, then the fragment's bytes as the session flushes them, then the closing
/// tags once the Cluster ended — the real service's live tail (issue 10).
/// </summary>
internal static class LiveTail
{
    // How often a reader that caught up looks for more bytes: a poll keeps the ingest path free of per-read signalling.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Returns false when the fragment could not be read to its end (file gone, session aborted).</summary>
    public static async Task<bool> WriteAsync(Stream output, LiveFragment fragment, byte[] buffer, Func<long> nowMs, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(fragment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            return false; // let go of (or pruned) before this reader reached it
        }

        await using (file.ConfigureAwait(false))
        {
            await MediaChunkWriter.WritePrefixAsync(output, fragment.Header, fragment.Number, fragment.ServerTimestampMs, fragment.ProducerTimestampMs, cancellationToken).ConfigureAwait(false);
            long sent = 0;
            while (true)
            {
                bool complete = fragment.Complete;
                long available = fragment.Length;
                while (sent < available)
                {
                    int read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, available - sent)), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    sent += read;
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (complete && sent >= available)
                {
                    break;
                }

                if (fragment.Aborted)
                {
                    return false;
                }

                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
            }
        }

        await MediaChunkWriter.WriteSuffixAsync(output, fragment.Number, fragment.ServerTimestampMs, nowMs(), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
