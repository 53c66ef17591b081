namespace KvsProducer.LocalEndpoint.Internal.Live;

/// <summary>
/// The service-side buffer every stream has, retention 0 included: the fragments of the last
/// few minutes, the one being received too, readable by GetMedia as they arrive. CreateStream's
/// documentation (API_CreateStream, DataRetentionInHours: https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_CreateStream.html) bounds it at 5 minutes and 200 MB.
/// </summary>
internal sealed class LiveBuffer
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    public const long MaxBytes = 200L * 1024 * 1024;

    private readonly object _gate = new();
    private readonly List<LiveFragment> _fragments = [];
    private long _sequence;

    /// <summary>Adds a fragment that has just started; lets fragments older than the window or beyond the byte bound go.</summary>
    public void Add(LiveFragment fragment, long nowMs)
    {
        List<LiveFragment>? evicted = null;
        lock (_gate)
        {
            fragment.Sequence = ++_sequence;
            _fragments.Add(fragment);
            long bytes = 0;
            foreach (LiveFragment f in _fragments)
            {
                bytes += f.Length;
            }

            while (_fragments.Count > 1 && (_fragments[0].ServerTimestampMs < nowMs - (long)Window.TotalMilliseconds || bytes > MaxBytes))
            {
                bytes -= _fragments[0].Length;
                (evicted ??= []).Add(_fragments[0]);
                _fragments.RemoveAt(0);
            }
        }

        foreach (LiveFragment gone in evicted ?? [])
        {
            Delete(gone);
        }
    }

    /// <summary>The first fragment that entered the buffer after <paramref name="sequence"/>, or null.</summary>
    public LiveFragment? FirstAfter(long sequence)
    {
        lock (_gate)
        {
            return _fragments.Find(f => f.Sequence > sequence);
        }
    }

    /// <summary>The first fragment whose number is greater than <paramref name="number"/>, or null.</summary>
    public LiveFragment? FirstAfter(string number)
    {
        lock (_gate)
        {
            return _fragments.Find(f => CompareNumbers(f.Number, number) > 0);
        }
    }

    public LiveFragment? Find(string number)
    {
        lock (_gate)
        {
            return _fragments.Find(f => f.Number == number);
        }
    }

    /// <summary>The sequence a NOW reader starts after: before the fragment in progress (its start is in the buffer), else after the last one.</summary>
    public long NowSequence()
    {
        lock (_gate)
        {
            if (_fragments.Count == 0)
            {
                return _sequence;
            }

            LiveFragment last = _fragments[^1];
            return last.Complete || last.Aborted ? last.Sequence : last.Sequence - 1;
        }
    }

    /// <summary>Lets every fragment go (stream deleted, endpoint stopped).</summary>
    public void Clear()
    {
        LiveFragment[] all;
        lock (_gate)
        {
            all = [.. _fragments];
            _fragments.Clear();
        }

        foreach (LiveFragment f in all)
        {
            Delete(f);
        }
    }

    /// <summary>Fragment numbers are decimal strings: longer is greater, then ordinal order.</summary>
    public static int CompareNumbers(string a, string b) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);

    private static void Delete(LiveFragment fragment)
    {
        if (!fragment.OwnsFile)
        {
            return;
        }

        try
        {
            File.Delete(fragment.Path);
        }
        catch (IOException)
        {
            // A reader still has it open; it is unreferenced now and harmless.
        }
    }
}
