namespace KvsProducer.Mkv;

/// <summary>The Segment Info of a stream (kvs-protocol.md §6.3 item 3).</summary>
internal sealed record MkvSegmentInfo(ReadOnlyMemory<byte> SegmentUid, long TimecodeScaleNanoseconds, string Title, string Application);
