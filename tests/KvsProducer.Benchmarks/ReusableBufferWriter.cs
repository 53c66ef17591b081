using System.Buffers;

namespace KvsProducer.Benchmarks;

/// <summary>An IBufferWriter over one preallocated array that starts over when told: measures our code, not the sink's.</summary>
internal sealed class ReusableBufferWriter(int capacity) : IBufferWriter<byte>
{
    private readonly byte[] _buffer = new byte[capacity];

    public int WrittenCount { get; private set; }

    public int FreeCapacity => _buffer.Length - WrittenCount;

    public void Reset() => WrittenCount = 0;

    public void Advance(int count) => WrittenCount += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(WrittenCount);

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(WrittenCount);
}
