using System.Runtime.InteropServices;

namespace KvsProducer.Media.Internal;

/// <summary>kvsmedia.h <c>kvsmedia_track_info</c>: eight 32-bit integers, the same on x64 and arm64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeTrackInfo
{
    public int Codec;
    public int Width;
    public int Height;
    public int LengthPrefixed;
    public int RateNumerator;
    public int RateDenominator;
    public int Encoded;
    public int Reserved;
}
