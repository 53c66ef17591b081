namespace KvsProducer.Mkv;

/// <summary>The Segment Info of a stream.</summary>
internal sealed record MkvSegmentInfo(ReadOnlyMemory<byte> SegmentUid, long TimecodeScaleNanoseconds, string Title, string Application);
