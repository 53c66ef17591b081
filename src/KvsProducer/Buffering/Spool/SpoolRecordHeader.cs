namespace KvsProducer.Buffering.Spool;

/// <summary>The fields of one spool record besides its payload (docs/disk-buffer.md "Record format").</summary>
/// <param name="Sequence">The record's number in the stream's spool: consecutive from 0 across segments and restarts.</param>
/// <param name="TrackNumber">The frame's 1-based MKV track number.</param>
/// <param name="PresentationTicks">The frame's presentation time (100 ns ticks).</param>
/// <param name="DecodingTicks">The frame's decoding time (100 ns ticks).</param>
/// <param name="DurationTicks">The frame's duration (100 ns ticks).</param>
/// <param name="Flags">The frame's flags.</param>
/// <param name="PayloadLength">The frame's bytes, as the application gave them.</param>
internal readonly record struct SpoolRecordHeader(
    long Sequence,
    int TrackNumber,
    long PresentationTicks,
    long DecodingTicks,
    long DurationTicks,
    FrameFlags Flags,
    int PayloadLength)
{
    public int RecordLength => SpoolRecord.HeaderSize + PayloadLength;

    public static SpoolRecordHeader Of(long sequence, in Frame frame) => new(
        sequence, frame.TrackNumber, frame.PresentationTime.Ticks, frame.DecodingTime.Ticks, frame.Duration.Ticks, frame.Flags, frame.Data.Length);

    public Frame ToFrame(ReadOnlyMemory<byte> payload) => new(
        payload, TimeSpan.FromTicks(PresentationTicks), TimeSpan.FromTicks(DecodingTicks), TimeSpan.FromTicks(DurationTicks), Flags, TrackNumber);
}
