namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// The AAC track of a stored session header (CodecID <c>A_AAC</c>, CodecPrivate = AudioSpecificConfig), as HLS,
/// DASH and GetClip carry it: track 2 next to H.264 on track 1 (KVS HLS/DASH playback requirements: https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/hls-playback.html).
/// </summary>
internal sealed class AudioTrack
{
    /// <summary>ISO/IEC 14496-3 §1.6.3.4 samplingFrequencyIndex table.</summary>
    private static readonly int[] SamplingRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    private AudioTrack(ulong number, byte[] audioSpecificConfig, int objectType, int samplingIndex, int channels)
    {
        Number = number;
        AudioSpecificConfig = audioSpecificConfig;
        ObjectType = objectType;
        SamplingIndex = samplingIndex;
        Channels = channels;
    }

    public ulong Number { get; }

    /// <summary>The AudioSpecificConfig PutMedia carried (the esds DecoderSpecificInfo).</summary>
    public byte[] AudioSpecificConfig { get; }

    /// <summary>MPEG-4 audio object type (2 = AAC-LC).</summary>
    public int ObjectType { get; }

    public int SamplingIndex { get; }

    public int SampleRate => SamplingRates[SamplingIndex];

    public int Channels { get; }

    /// <summary>RFC 6381 codec string: <c>mp4a.40.</c> + object type.</summary>
    public string Rfc6381Codec => $"mp4a.40.{ObjectType}";

    /// <summary>Samples per AAC frame (1024 for AAC-LC).</summary>
    public const int SamplesPerFrame = 1024;

    /// <summary>The track, or null when <paramref name="codecPrivate"/> is not a usable AAC AudioSpecificConfig.</summary>
    public static AudioTrack? FromAudioSpecificConfig(ulong number, byte[] codecPrivate)
    {
        if (codecPrivate.Length < 2)
        {
            return null;
        }

        // 5 bits object type · 4 bits frequency index · 4 bits channel configuration (ISO/IEC 14496-3 §1.6.2.1).
        int bits = (codecPrivate[0] << 8) | codecPrivate[1];
        int objectType = bits >> 11;
        int index = (bits >> 7) & 0x0F;
        int channels = (bits >> 3) & 0x0F;
        return objectType is >= 1 and <= 4 && index < SamplingRates.Length && channels is >= 1 and <= 7
            ? new AudioTrack(number, codecPrivate, objectType, index, channels)
            : null;
    }

    /// <summary>The 7-byte ADTS header (no CRC) for a raw frame of <paramref name="payloadLength"/> bytes (ISO/IEC 14496-3 §1.A.2.2).</summary>
    public void WriteAdtsHeader(Span<byte> header, int payloadLength)
    {
        int frameLength = payloadLength + 7;
        header[0] = 0xFF;
        header[1] = 0xF1; // MPEG-4, layer 0, protection absent
        header[2] = (byte)(((ObjectType - 1) << 6) | (SamplingIndex << 2) | (Channels >> 2));
        header[3] = (byte)(((Channels & 3) << 6) | (frameLength >> 11));
        header[4] = (byte)(frameLength >> 3);
        header[5] = (byte)(((frameLength & 7) << 5) | 0x1F);
        header[6] = 0xFC;
    }
}
