namespace KvsProducer.LocalEndpoint.Internal.Json;

// Request and response shapes of the read-back (media and archived-media) APIs.

internal sealed class GetMediaRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public StartSelector? StartSelector { get; set; }
}

internal sealed class StartSelector
{
    public string? StartSelectorType { get; set; }

    public string? AfterFragmentNumber { get; set; }

    public double? StartTimestamp { get; set; }

    public string? ContinuationToken { get; set; }
}

internal sealed class ListFragmentsRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public long? MaxResults { get; set; }

    public string? NextToken { get; set; }

    public FragmentSelector? FragmentSelector { get; set; }
}

internal sealed class FragmentSelector
{
    public string? FragmentSelectorType { get; set; }

    public TimestampRange? TimestampRange { get; set; }
}

internal sealed class TimestampRange
{
    public double? StartTimestamp { get; set; }

    public double? EndTimestamp { get; set; }
}

internal sealed class ListFragmentsResponse
{
    public required List<FragmentInfo> Fragments { get; init; }

    public string? NextToken { get; init; }
}

internal sealed class FragmentInfo
{
    public required string FragmentNumber { get; init; }

    public long FragmentSizeInBytes { get; init; }

    public double ProducerTimestamp { get; init; }

    public double ServerTimestamp { get; init; }

    public long FragmentLengthInMilliseconds { get; init; }
}

internal sealed class GetMediaForFragmentListRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public List<string>? Fragments { get; set; }
}
