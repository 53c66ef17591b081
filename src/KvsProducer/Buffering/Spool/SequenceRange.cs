namespace KvsProducer.Buffering.Spool;

/// <summary>Record sequence numbers <paramref name="From"/> through <paramref name="To"/>, both included.</summary>
internal readonly record struct SequenceRange(long From, long To);
