using System.Buffers;

namespace KvsProducer.Media.Internal;

/// <summary>
/// A <see cref="Memory{T}"/> view over the packet the native library lends, without copying it.
/// One instance per source is re-pointed at every read, so steady-state reading allocates nothing;
/// a <see cref="Frame"/> built on it is valid only until the next frame is read (the lease).
/// </summary>
internal sealed unsafe class NativePacketMemory : MemoryManager<byte>
{
    private nint _data;
    private int _length;

    /// <summary>Points the view at a new native packet.</summary>
    public void Lend(nint data, int length)
    {
        _data = data;
        _length = length;
    }

    /// <summary>Ends the lease: the view becomes empty.</summary>
    public void Revoke()
    {
        _data = nint.Zero;
        _length = 0;
    }

    public override Span<byte> GetSpan() => _length == 0 ? Span<byte>.Empty : new Span<byte>((void*)_data, _length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length);
        // Native memory never moves: there is nothing to pin.
        return new MemoryHandle((byte*)_data + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing) => Revoke();
}
