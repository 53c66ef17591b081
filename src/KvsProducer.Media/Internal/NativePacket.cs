using System.Runtime.InteropServices;

namespace KvsProducer.Media.Internal;

/// <summary>kvsmedia.h <c>kvsmedia_packet</c>: a packet lent by the library until the next read.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativePacket
{
    /// <summary>kvsmedia.h KVSMEDIA_PACKET_KEY.</summary>
    public const int KeyFlag = 1;

    /// <summary>kvsmedia.h KVSMEDIA_PACKET_AUDIO: the packet belongs to the audio track.</summary>
    public const int AudioFlag = 4;

    public nint Data;
    public int Size;
    public int Flags;
    public long PresentationTicks;
    public long DecodingTicks;
    public long DurationTicks;
}
