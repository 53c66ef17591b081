namespace KvsProducer;

/// <summary>Audio codecs Kinesis Video Streams accepts in an audio track.</summary>
public enum AudioCodec
{
    /// <summary>AAC (raw access units, no ADTS), MKV CodecID <c>A_AAC</c>, CodecPrivate = AudioSpecificConfig.</summary>
    Aac,

    /// <summary>G.711 A-law, MKV CodecID <c>A_MS/ACM</c> with a WAVEFORMATEX (format 6) CodecPrivate.</summary>
    ALaw,

    /// <summary>G.711 µ-law, MKV CodecID <c>A_MS/ACM</c> with a WAVEFORMATEX (format 7) CodecPrivate.</summary>
    MuLaw,
}
