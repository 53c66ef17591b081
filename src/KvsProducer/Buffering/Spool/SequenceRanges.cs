namespace KvsProducer.Buffering.Spool;

/// <summary>
/// A set of record sequence numbers kept as sorted, merged, inclusive ranges: the spool's released records.
/// Releases come mostly in order, so the set stays a handful of ranges and adding extends the last one.
/// </summary>
internal sealed class SequenceRanges
{
    private readonly List<SequenceRange> _ranges = new(16);

    public IReadOnlyList<SequenceRange> Ranges => _ranges;

    /// <summary>Adds [<paramref name="from"/>, <paramref name="to"/>], merging with overlapping or adjacent ranges.</summary>
    public void Add(long from, long to)
    {
        if (to < from)
        {
            return;
        }

        int i = FirstEndingAtOrAfter(from - 1);
        int j = i;
        while (j < _ranges.Count && _ranges[j].From <= to + 1)
        {
            from = Math.Min(from, _ranges[j].From);
            to = Math.Max(to, _ranges[j].To);
            j++;
        }

        if (j > i)
        {
            _ranges.RemoveRange(i, j - i);
        }

        _ranges.Insert(i, new SequenceRange(from, to));
    }

    public bool Contains(long sequence)
    {
        int i = FirstEndingAtOrAfter(sequence);
        return i < _ranges.Count && _ranges[i].From <= sequence;
    }

    /// <summary>How many of [<paramref name="from"/>, <paramref name="toExclusive"/>) are in the set.</summary>
    public long CountIn(long from, long toExclusive)
    {
        long count = 0;
        for (int i = FirstEndingAtOrAfter(from); i < _ranges.Count && _ranges[i].From < toExclusive; i++)
        {
            count += Math.Min(_ranges[i].To + 1, toExclusive) - Math.Max(_ranges[i].From, from);
        }

        return count;
    }

    /// <summary>How many of [<paramref name="from"/>, <paramref name="to"/>] are in this set and not in <paramref name="except"/>.</summary>
    public long CountInExcept(long from, long to, SequenceRanges except)
    {
        long count = 0;
        for (int i = FirstEndingAtOrAfter(from); i < _ranges.Count && _ranges[i].From <= to; i++)
        {
            long first = Math.Max(_ranges[i].From, from);
            long last = Math.Min(_ranges[i].To, to);
            count += last - first + 1 - except.CountIn(first, last + 1);
        }

        return count;
    }

    /// <summary>Forgets every number below <paramref name="sequence"/> (their segments are gone).</summary>
    public void RemoveBelow(long sequence)
    {
        int i = FirstEndingAtOrAfter(sequence);
        _ranges.RemoveRange(0, i);
        if (_ranges.Count > 0 && _ranges[0].From < sequence)
        {
            _ranges[0] = _ranges[0] with { From = sequence };
        }
    }

    private int FirstEndingAtOrAfter(long sequence)
    {
        int low = 0, high = _ranges.Count;
        while (low < high)
        {
            int mid = (low + high) / 2;
            if (_ranges[mid].To < sequence)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
