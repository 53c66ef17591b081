namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

// Request and response shapes of the kinesis-video-archived-media model (2017-09-30) that
// ReadBack does not already cover: HLS, DASH, GetClip, GetImages.

internal sealed class ArchivedTimestampRange
{
    public double? StartTimestamp { get; set; }

    public double? EndTimestamp { get; set; }
}

internal sealed class ArchivedFragmentSelector
{
    public string? FragmentSelectorType { get; set; }

    public ArchivedTimestampRange? TimestampRange { get; set; }
}

internal sealed class GetHlsStreamingSessionUrlRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? PlaybackMode { get; set; }

    public ArchivedFragmentSelector? HLSFragmentSelector { get; set; }

    public string? ContainerFormat { get; set; }

    public string? DiscontinuityMode { get; set; }

    public string? DisplayFragmentTimestamp { get; set; }

    public int? Expires { get; set; }

    public long? MaxMediaPlaylistFragmentResults { get; set; }
}

internal sealed class GetHlsStreamingSessionUrlResponse
{
    public required string HLSStreamingSessionURL { get; set; }
}

internal sealed class GetDashStreamingSessionUrlRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? PlaybackMode { get; set; }

    public string? DisplayFragmentTimestamp { get; set; }

    public string? DisplayFragmentNumber { get; set; }

    public ArchivedFragmentSelector? DASHFragmentSelector { get; set; }

    public int? Expires { get; set; }

    public long? MaxManifestFragmentResults { get; set; }
}

internal sealed class GetDashStreamingSessionUrlResponse
{
    public required string DASHStreamingSessionURL { get; set; }
}

internal sealed class GetClipRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public ArchivedFragmentSelector? ClipFragmentSelector { get; set; }
}

internal sealed class GetImagesRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? ImageSelectorType { get; set; }

    public double? StartTimestamp { get; set; }

    public double? EndTimestamp { get; set; }

    public long? SamplingInterval { get; set; }

    public string? Format { get; set; }

    public Dictionary<string, string>? FormatConfig { get; set; }

    public int? WidthPixels { get; set; }

    public int? HeightPixels { get; set; }

    public long? MaxResults { get; set; }

    public string? NextToken { get; set; }
}

internal sealed class ImageResult
{
    public double TimeStamp { get; set; }

    public string? Error { get; set; }

    public string? ImageContent { get; set; }
}

internal sealed class GetImagesResponse
{
    public List<ImageResult> Images { get; set; } = [];

    public string? NextToken { get; set; }
}
