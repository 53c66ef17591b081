namespace KvsProducer.Media.Internal;

/// <summary>What a source URI means to FFmpeg: the URL, the input format and the demuxer options.</summary>
internal sealed record SourceSpec(
    SourceKind Kind,
    string Url,
    string? InputFormat,
    IReadOnlyList<KeyValuePair<string, string>> Options,
    string DisplayName,
    string? LocalPath)
{
    /// <summary>Cameras deliver at their own pace and may start between key frames.</summary>
    public bool IsLive => Kind is SourceKind.Rtsp or SourceKind.V4l2;
}
