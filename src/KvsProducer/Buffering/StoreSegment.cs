using System.Buffers;

namespace KvsProducer.Buffering;

/// <summary>
/// One fixed-size block of the content store. It doubles as a <see cref="ReadOnlySequenceSegment{T}"/>
/// so a stream's chain of segments is read as one <see cref="ReadOnlySequence{T}"/> without copying.
/// </summary>
internal sealed class StoreSegment : ReadOnlySequenceSegment<byte>
{
    public StoreSegment(int size)
    {
        // Pinned: the bytes go to sockets and TLS without the GC moving them under an I/O.
        Array = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        Memory = Array;
    }

    public byte[] Array { get; }

    /// <summary>Places the segment at <paramref name="runningIndex"/> of a stream's byte log, last in its chain.</summary>
    public void Attach(long runningIndex)
    {
        RunningIndex = runningIndex;
        Next = null;
    }

    public void Link(StoreSegment? next) => Next = next;
}
