namespace KvsProducer.Buffering.Spool;

/// <summary>
/// The bound of one slice of spilled frames uploaded while the live upload is paused
/// (<see cref="DiskBufferOptions.SpillSliceDuration"/> of media, <see cref="DiskBufferOptions.SpillSliceBytes"/> of
/// payload). A slice ends only where a fragment starts (a key frame of the track that started the slice: spilled
/// frames are whole fragments, so the slice's first record is one), never inside a fragment, whose rest would be
/// skipped by the next slice for not starting with a key frame. So a slice holds at least one whole fragment, and
/// overshoots a bound by less than one fragment.
/// </summary>
internal sealed class SpillSlice(TimeSpan maxDuration, long maxBytes)
{
    private long _firstDecodingTicks;
    private int _firstTrack;

    /// <summary>Payload bytes taken so far.</summary>
    public long Bytes { get; private set; }

    /// <summary>Frames taken so far.</summary>
    public long Frames { get; private set; }

    /// <summary>True when a bound is reached and <paramref name="header"/> starts a fragment: it belongs to the next slice.</summary>
    public bool EndsBefore(in SpoolRecordHeader header)
        => Frames > 0
            && header.TrackNumber == _firstTrack
            && (header.Flags & FrameFlags.KeyFrame) != 0
            && (Bytes >= maxBytes || header.DecodingTicks - _firstDecodingTicks >= maxDuration.Ticks);

    /// <summary>Counts the record as part of the slice.</summary>
    public void Take(in SpoolRecordHeader header)
    {
        if (Frames == 0)
        {
            _firstDecodingTicks = header.DecodingTicks;
            _firstTrack = header.TrackNumber;
        }

        Bytes += header.PayloadLength;
        Frames++;
    }
}
