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

    /// <summary>
    /// Raw little-endian signed PCM, MKV CodecID <c>A_PCM/INT/LIT</c> (a PIC codec-id constant, mkvgen/Include.h
    /// MKV_PCM_INT_LIT_CODEC_ID), no CodecPrivate. The service stores it and GetMedia returns it; its HLS, DASH and
    /// GetClip do not play it (they take AAC, and G.711 for GetClip): prefer AAC or G.711 for playback.
    /// </summary>
    Pcm,
}
