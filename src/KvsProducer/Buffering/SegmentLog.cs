using System.Buffers;

namespace KvsProducer.Buffering;

/// <summary>
/// One stream's bytes as an append-only log addressed by a 64-bit offset, stored in segments rented from
/// the <see cref="ContentStore"/>. Offset <c>o</c> lives in segment number <c>o / SegmentSize</c>; the
/// log holds segments <c>[first, end)</c>, covering <c>[first × size, end × size)</c>.
/// </summary>
/// <remarks>
/// Not thread-safe by itself: <see cref="ContentView"/> calls the writing side from the one producer
/// holding its producer gate and the reading/releasing side under its state lock. A segment is given back
/// only when every byte in it lies below the offset the view allows to be freed, so no reader is ever
/// handed a segment that was returned.
/// </remarks>
internal sealed class SegmentLog
{
    private readonly ContentStore _store;
    private readonly int _shift;
    private readonly int _size;
    private StoreSegment?[] _ring = new StoreSegment?[16];
    private long _first;
    private long _end;

    public SegmentLog(ContentStore store)
    {
        _store = store;
        _shift = store.SegmentShift;
        _size = store.SegmentSize;
    }

    /// <summary>Segments currently held (in the store's budget).</summary>
    public int HeldSegments => (int)(_end - _first);

    /// <summary>The offset one past the last segment held: how far writes can go without renting.</summary>
    public long CapacityEnd => _end << _shift;

    /// <summary>The offset of the first byte still held.</summary>
    public long HeldStart => _first << _shift;

    /// <summary>How many more segments writing up to <paramref name="endOffset"/> needs.</summary>
    public int SegmentsNeeded(long endOffset)
    {
        long lastSegment = (endOffset + _size - 1) >> _shift;
        return (int)Math.Max(0, lastSegment - _end);
    }

    /// <summary>Rents segments until the log can take bytes up to <paramref name="endOffset"/>; false when
    /// the store ran out (segments rented so far stay held for the next attempt).</summary>
    public bool TryEnsureCapacity(long endOffset)
    {
        while (CapacityEnd < endOffset)
        {
            var segment = _store.TryRent();
            if (segment is null)
            {
                return false;
            }

            Append(segment);
        }

        return true;
    }

    /// <summary>The writable memory from <paramref name="offset"/> to the end of its segment.</summary>
    public Memory<byte> GetWritableMemory(long offset)
    {
        var segment = SegmentAt(offset);
        int index = (int)(offset & (_size - 1));
        return segment.Array.AsMemory(index);
    }

    /// <summary>Copies <paramref name="source"/> into the log at <paramref name="offset"/> across segment boundaries.</summary>
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            var target = GetWritableMemory(offset).Span;
            int n = Math.Min(target.Length, source.Length);
            source[..n].CopyTo(target);
            source = source[n..];
            offset += n;
        }
    }

    /// <summary>The bytes <c>[start, end)</c> as a sequence over the segments themselves: no copy, no allocation.</summary>
    public ReadOnlySequence<byte> Read(long start, long end)
    {
        if (end <= start)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = SegmentAt(start);
        var last = SegmentAt(end - 1);
        int startIndex = (int)(start & (_size - 1));
        int endIndex = (int)(((end - 1) & (_size - 1)) + 1);
        return ReferenceEquals(first, last)
            ? new ReadOnlySequence<byte>(first.Array.AsMemory(startIndex, endIndex - startIndex))
            : new ReadOnlySequence<byte>(first, startIndex, last, endIndex);
    }

    /// <summary>Gives back every segment lying entirely below <paramref name="offset"/>.</summary>
    public int ReleaseBelow(long offset)
    {
        int released = 0;
        while (_first < _end && ((_first + 1) << _shift) <= offset)
        {
            long slot = _first & (_ring.Length - 1);
            var segment = _ring[slot]!;
            _ring[slot] = null;
            _first++;
            _store.Return(segment);
            released++;
        }

        return released;
    }

    /// <summary>Gives back segments lying entirely at or beyond <paramref name="offset"/> (capacity a frame reserved but did not use).</summary>
    public int ReleaseFrom(long offset)
    {
        int released = 0;
        long keepEnd = Math.Max(_first, (offset + _size - 1) >> _shift);
        while (_end > keepEnd)
        {
            _end--;
            long slot = _end & (_ring.Length - 1);
            var segment = _ring[slot]!;
            _ring[slot] = null;
            _store.Return(segment);
            released++;
        }

        if (_end > _first)
        {
            _ring[(_end - 1) & (_ring.Length - 1)]!.Link(null);
        }

        return released;
    }

    /// <summary>Returns every segment to the store (the stream is closing).</summary>
    public void ReleaseAll()
    {
        while (_end > _first)
        {
            _end--;
            long slot = _end & (_ring.Length - 1);
            _store.Return(_ring[slot]!);
            _ring[slot] = null;
        }

        _first = _end;
    }

    private void Append(StoreSegment segment)
    {
        if (_end - _first == _ring.Length)
        {
            Grow();
        }

        segment.Attach(_end << _shift);
        if (_end > _first)
        {
            _ring[(_end - 1) & (_ring.Length - 1)]!.Link(segment);
        }

        _ring[_end & (_ring.Length - 1)] = segment;
        _end++;
    }

    private void Grow()
    {
        // Rare: doubles the slot array when a stream holds more segments than ever before.
        var bigger = new StoreSegment?[_ring.Length * 2];
        for (long n = _first; n < _end; n++)
        {
            bigger[n & (bigger.Length - 1)] = _ring[n & (_ring.Length - 1)];
        }

        _ring = bigger;
    }

    private StoreSegment SegmentAt(long offset)
    {
        long number = offset >> _shift;
        if (number < _first || number >= _end)
        {
            throw new InvalidOperationException($"Offset {offset} is outside the segments this stream holds ({HeldStart}..{CapacityEnd}): a released segment would be read.");
        }

        return _ring[number & (_ring.Length - 1)]!;
    }
}
