using System.Buffers.Binary;

namespace KvsProducer.Mkv;

/// <summary>Builds audio CodecPrivate data the way the official producer-c SDK does (Mkvgen: mkvgenGenerateAacCpd, mkvgenGeneratePcmCpd).</summary>
internal static class AudioCodecPrivate
{
    /// <summary>ISO 14496-3 §1.6.3.4 samplingFrequencyIndex table.</summary>
    private static readonly int[] SamplingRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>The 2-byte AudioSpecificConfig of AAC-LC: objectType 2 (5 bits), frequency index (4), channel configuration (4), 3 zero bits.</summary>
    public static byte[] AacLc(int samplingRate, int channels)
    {
        var index = Array.IndexOf(SamplingRates, samplingRate);
        if (index < 0)
        {
            throw new ArgumentException($"AAC sampling rate {samplingRate} Hz has no AudioSpecificConfig index: use one of {string.Join(", ", SamplingRates)}, or pass the encoder's AudioSpecificConfig.", nameof(samplingRate));
        }

        var bits = (2 << 11) | (index << 7) | (channels << 3);
        return [(byte)(bits >> 8), (byte)bits];
    }

    /// <summary>
    /// The 18-byte WAVEFORMATEX for G.711: wFormatTag (6 A-law, 7 µ-law), nChannels, nSamplesPerSec,
    /// nAvgBytesPerSec, nBlockAlign, wBitsPerSample, cbSize, all little-endian.
    /// </summary>
    /// <remarks>
    /// Same layout and format codes as producer-c's mkvgenGeneratePcmCpd. That function writes
    /// nAvgBytesPerSec = channels × rate / 8 and leaves wBitsPerSample 0; we write the WAVEFORMATEX values
    /// (channels × rate bytes per second, 8 bits per sample) so decoders (ffprobe) see the real rate.
    /// </remarks>
    public static byte[] G711(AudioCodec codec, int samplingRate, int channels)
    {
        var cpd = new byte[18];
        BinaryPrimitives.WriteUInt16LittleEndian(cpd, codec == AudioCodec.ALaw ? (ushort)6 : (ushort)7);
        BinaryPrimitives.WriteUInt16LittleEndian(cpd.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(cpd.AsSpan(4), (uint)samplingRate);
        BinaryPrimitives.WriteUInt32LittleEndian(cpd.AsSpan(8), (uint)(samplingRate * channels));
        BinaryPrimitives.WriteUInt16LittleEndian(cpd.AsSpan(12), (ushort)channels);
        BinaryPrimitives.WriteUInt16LittleEndian(cpd.AsSpan(14), 8);
        return cpd;
    }
}
