namespace KvsProducer.Buffering.Spool;

/// <summary>
/// Maps a stream's fragments in memory to the spool records of their frames, so an acknowledgement releases exactly
/// those records: PERSISTED (RECEIVED for a stream that keeps no data) and non-retriable ERROR drops release them;
/// any other drop from memory leaves them on disk (spilled) to be uploaded later.
/// </summary>
/// <remarks>A small ring of fragments (one per fragment in the memory buffer); nothing is allocated per frame.</remarks>
internal sealed class SpoolFragmentTracker(FrameSpool spool, bool keepsData, bool countsSpills = true)
{
    /// <summary>More fragments than any memory buffer holds: older entries are forgotten (their frames stay on disk, uploaded again later).</summary>
    private const int MaxEntries = 1 << 16;

    private readonly Lock _gate = new();
    private Entry[] _entries = new Entry[64];
    private int _start;
    private int _count;
    private bool _open;

    public void Stored(long sequence, bool startsFragment, long fragmentTimecode, long presentationTicks)
    {
        lock (_gate)
        {
            if (startsFragment)
            {
                Push(new Entry { Timecode = fragmentTimecode, FirstPresentationTicks = presentationTicks, FirstSequence = -1, LastSequence = -1 });
                _open = true;
            }

            if (sequence < 0 || !_open || _count == 0)
            {
                return;
            }

            ref var last = ref At(_count - 1);
            if (last.FirstSequence < 0)
            {
                last.FirstSequence = sequence;
            }

            last.LastSequence = sequence;
        }
    }

    public void OnAcknowledged(in FragmentAck ack)
    {
        if (!(ack.EventType == FragmentAckEventType.Persisted || (ack.EventType == FragmentAckEventType.Received && !keepsData)) || !ack.HasFragmentTimecode)
        {
            return;
        }

        SequenceRange range;
        lock (_gate)
        {
            int i = Find((long)ack.FragmentTimecode, byTimecode: true);
            if (i < 0)
            {
                return;
            }

            range = Finish(i);
        }

        spool.Release(range.From, range.To);
    }

    /// <summary>Returns true when every frame of the drop is kept on disk (spilled): then nothing is lost.</summary>
    public bool OnDropped(FramesDroppedEventArgs dropped)
    {
        if (dropped.Data.IsEmpty)
        {
            return false; // refused before it was stored: the frame never reached the spool
        }

        SequenceRange range;
        lock (_gate)
        {
            int i = Find(dropped.FirstPresentationTime.Ticks, byTimecode: false);
            if (i < 0)
            {
                return false;
            }

            if (i == _count - 1)
            {
                _open = false; // the fragment being built is gone: its next frames are refused (FragmentStartDropped)
            }

            range = Finish(i);
        }

        if (dropped.Reason == FrameDropReason.ErrorAcknowledgement)
        {
            spool.Release(range.From, range.To, persisted: false); // the service refuses this fragment for good (PutMedia ErrorId catalogue); resending it would fail again
            return false;
        }

        // Kept on disk, uploaded later; a replay stream closed early leaves its frames on disk as they were (not spilled again).
        return range.From >= 0 && countsSpills && spool.MarkSpilled(range.From, range.To, dropped.FrameCount);
    }

    private SequenceRange Finish(int index)
    {
        ref var entry = ref At(index);
        var range = new SequenceRange(entry.FirstSequence, entry.LastSequence);
        entry.Done = true;
        while (_count > 0 && At(0).Done)
        {
            _start = (_start + 1) & (_entries.Length - 1);
            _count--;
        }

        return range;
    }

    /// <summary>The open entry whose fragment timecode (or first frame's presentation time) is <paramref name="key"/>; -1 if none.</summary>
    private int Find(long key, bool byTimecode)
    {
        for (int i = 0; i < _count; i++)
        {
            ref var entry = ref At(i);
            if (!entry.Done && (byTimecode ? entry.Timecode : entry.FirstPresentationTicks) == key)
            {
                return i;
            }
        }

        return -1;
    }

    private void Push(in Entry entry)
    {
        if (_count == MaxEntries)
        {
            _start = (_start + 1) & (_entries.Length - 1);
            _count--;
        }
        else if (_count == _entries.Length)
        {
            var bigger = new Entry[_entries.Length * 2];
            for (int i = 0; i < _count; i++)
            {
                bigger[i] = At(i);
            }

            _entries = bigger;
            _start = 0;
        }

        _count++;
        At(_count - 1) = entry;
    }

    private ref Entry At(int i) => ref _entries[(_start + i) & (_entries.Length - 1)];

    private struct Entry
    {
        public long Timecode;
        public long FirstPresentationTicks;
        public long FirstSequence;
        public long LastSequence;
        public bool Done;
    }
}
