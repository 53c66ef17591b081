using System.Runtime.InteropServices;

namespace KvsProducer.Media.Internal;

/// <summary>kvsmedia.h <c>kvsmedia_audio_info</c>: eight 32-bit integers, the same on x64 and arm64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeAudioInfo
{
    /// <summary>kvsmedia.h KVSMEDIA_CODEC_AAC.</summary>
    public const int CodecAac = 2;

    /// <summary>kvsmedia.h KVSMEDIA_CODEC_ALAW.</summary>
    public const int CodecALaw = 3;

    public int Codec;
    public int SampleRate;
    public int Channels;
    public int FrameSamples;
    public int Encoded;
    public int Reserved0;
    public int Reserved1;
    public int Reserved2;
}
