namespace KvsProducer.Media;

/// <summary>What a <see cref="MediaSource"/> does with the source's audio.</summary>
public enum SourceAudio
{
    /// <summary>Video only (the default): the audio of a source with video is not read. A source without video (a microphone, an audio file) is read as <see cref="Auto"/>.</summary>
    None,

    /// <summary>AAC and G.711 pass through as the source has them; any other codec (Opus, PCM, MP3) is encoded to AAC.</summary>
    Auto,

    /// <summary>AAC passes through; any other codec is encoded to AAC (FFmpeg's native encoder).</summary>
    Aac,

    /// <summary>G.711 A-law passes through; any other codec is encoded to A-law (8 kHz mono unless set).</summary>
    ALaw,

    /// <summary>G.711 µ-law passes through; any other codec is encoded to µ-law (8 kHz mono unless set).</summary>
    MuLaw,
}
