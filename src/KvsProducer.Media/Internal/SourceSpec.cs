namespace KvsProducer.Media.Internal;

/// <summary>
/// What a source URI means to FFmpeg: the URL, the input format and the demuxer options; the audio
/// codec (aac, alaw, mulaw) when the URI names one, overriding <see cref="MediaSourceOptions.Audio"/>.
/// </summary>
internal sealed record SourceSpec(
    SourceKind Kind,
    string Url,
    string? InputFormat,
    IReadOnlyList<KeyValuePair<string, string>> Options,
    string DisplayName,
    string? LocalPath,
    string? AudioCodec = null)
{
    /// <summary>Cameras and microphones deliver at their own pace; cameras may start between key frames.</summary>
    public bool IsLive => Kind is SourceKind.Rtsp or SourceKind.V4l2 or SourceKind.Alsa;
}
