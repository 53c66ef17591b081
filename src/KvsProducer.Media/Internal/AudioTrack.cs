using System.Runtime.InteropServices;

namespace KvsProducer.Media.Internal;

/// <summary>The audio track a source delivers: its definition for the fragmenter, one frame's duration, its encoder.</summary>
internal sealed record AudioTrack(TrackDefinition Track, long FrameTicks, string? EncoderName)
{
    /// <summary>Reads the open source's audio track; <paramref name="check"/> throws on a failed status.</summary>
    public static AudioTrack Read(SourceHandle handle, int trackNumber, Action<NativeStatus> check)
    {
        check(NativeMethods.GetAudioInfo(handle, out NativeAudioInfo info));
        check(NativeMethods.GetAudioExtradata(handle, out nint data, out int size));
        byte[] config = size > 0 ? new byte[size] : [];
        if (size > 0)
        {
            Marshal.Copy(data, config, 0, size);
        }
        TrackDefinition track = info.Codec == NativeAudioInfo.CodecAac
            ? TrackDefinition.AacAudio(info.SampleRate, info.Channels, config, trackNumber)
            : TrackDefinition.G711Audio(info.Codec == NativeAudioInfo.CodecALaw ? AudioCodec.ALaw : AudioCodec.MuLaw, info.SampleRate, info.Channels, trackNumber);
        long frameTicks = info.FrameSamples > 0 ? TimeSpan.TicksPerSecond * info.FrameSamples / info.SampleRate : 0;
        string? encoder = info.Encoded != 0 ? Marshal.PtrToStringUTF8(NativeMethods.GetAudioEncoderName(handle)) : null;
        return new AudioTrack(track, frameTicks, encoder);
    }
}
