using System.Text.Json.Serialization;

namespace KvsProducer.Service;

// The JSON shapes of the control-plane operations a producer calls (the KVS API reference), kept in
// one file because together they are the wire schema: field names exactly as the service spells
// them (PascalCase, "StreamARN", "APIName"), timestamps as epoch seconds (§2.1).

/// <summary>The data-plane APIs GetDataEndpoint can return an endpoint for (its <c>APIName</c>).</summary>
internal enum DataEndpointApi
{
    /// <summary>PUT_MEDIA: the producer's upload.</summary>
    PutMedia,

    /// <summary>GET_MEDIA.</summary>
    GetMedia,

    /// <summary>LIST_FRAGMENTS.</summary>
    ListFragments,

    /// <summary>GET_MEDIA_FOR_FRAGMENT_LIST.</summary>
    GetMediaForFragmentList,

    /// <summary>GET_HLS_STREAMING_SESSION_URL.</summary>
    GetHlsStreamingSessionUrl,

    /// <summary>GET_DASH_STREAMING_SESSION_URL.</summary>
    GetDashStreamingSessionUrl,

    /// <summary>GET_CLIP.</summary>
    GetClip,

    /// <summary>GET_IMAGES.</summary>
    GetImages,
}

/// <summary>Wire names of <see cref="DataEndpointApi"/>.</summary>
internal static class DataEndpointApiNames
{
    /// <summary>The <c>APIName</c> value the service expects.</summary>
    public static string ToWireName(this DataEndpointApi api) => api switch
    {
        DataEndpointApi.PutMedia => "PUT_MEDIA",
        DataEndpointApi.GetMedia => "GET_MEDIA",
        DataEndpointApi.ListFragments => "LIST_FRAGMENTS",
        DataEndpointApi.GetMediaForFragmentList => "GET_MEDIA_FOR_FRAGMENT_LIST",
        DataEndpointApi.GetHlsStreamingSessionUrl => "GET_HLS_STREAMING_SESSION_URL",
        DataEndpointApi.GetDashStreamingSessionUrl => "GET_DASH_STREAMING_SESSION_URL",
        DataEndpointApi.GetClip => "GET_CLIP",
        DataEndpointApi.GetImages => "GET_IMAGES",
        _ => throw new ArgumentOutOfRangeException(nameof(api), api, "Unknown data-plane API."),
    };
}

/// <summary>POST /describeStream: one of the stream's name or ARN.</summary>
internal sealed record DescribeStreamRequest
{
    [JsonPropertyName("StreamName")]
    public string? StreamName { get; init; }

    [JsonPropertyName("StreamARN")]
    public string? StreamArn { get; init; }
}

/// <summary>DescribeStream's answer.</summary>
internal sealed record DescribeStreamResponse
{
    [JsonPropertyName("StreamInfo")]
    public StreamDescription? StreamInfo { get; init; }
}

/// <summary>A stream as DescribeStream describes it (the service's <c>StreamInfo</c>).</summary>
internal sealed record StreamDescription
{
    [JsonPropertyName("DeviceName")]
    public string? DeviceName { get; init; }

    [JsonPropertyName("StreamName")]
    public string StreamName { get; init; } = "";

    [JsonPropertyName("StreamARN")]
    public string StreamArn { get; init; } = "";

    [JsonPropertyName("MediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("KmsKeyId")]
    public string? KmsKeyId { get; init; }

    [JsonPropertyName("Version")]
    public string? Version { get; init; }

    /// <summary>CREATING, ACTIVE, UPDATING or DELETING (the KVS API reference).</summary>
    [JsonPropertyName("Status")]
    public string Status { get; init; } = "";

    /// <summary>Epoch seconds (the KVS API reference).</summary>
    [JsonPropertyName("CreationTime")]
    public double? CreationTimeSeconds { get; init; }

    [JsonPropertyName("DataRetentionInHours")]
    public int DataRetentionInHours { get; init; }

    /// <summary>The stream accepts PutMedia.</summary>
    [JsonIgnore]
    public bool IsActive => Status == "ACTIVE";

    /// <summary>When the stream was created.</summary>
    [JsonIgnore]
    public DateTimeOffset? CreationTime => CreationTimeSeconds is { } seconds
        ? DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond))
        : null;
}

/// <summary>POST /createStream.</summary>
internal sealed record CreateStreamRequest
{
    [JsonPropertyName("DeviceName")]
    public string? DeviceName { get; init; }

    [JsonPropertyName("StreamName")]
    public string StreamName { get; init; } = "";

    /// <summary><c>type/subtype</c>, e.g. <c>video/h264</c>.</summary>
    [JsonPropertyName("MediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("KmsKeyId")]
    public string? KmsKeyId { get; init; }

    /// <summary>0 = no archive (the KVS API reference).</summary>
    [JsonPropertyName("DataRetentionInHours")]
    public int? DataRetentionInHours { get; init; }

    [JsonPropertyName("Tags")]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>CreateStream's answer.</summary>
internal sealed record CreateStreamResponse
{
    [JsonPropertyName("StreamARN")]
    public string? StreamArn { get; init; }
}

/// <summary>POST /tagStream (what the C producer's "tagResource" posts, the KVS API reference).</summary>
internal sealed record TagStreamRequest
{
    [JsonPropertyName("StreamName")]
    public string? StreamName { get; init; }

    [JsonPropertyName("StreamARN")]
    public string? StreamArn { get; init; }

    [JsonPropertyName("Tags")]
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>An operation whose answer is <c>{}</c>.</summary>
internal sealed record EmptyResponse;

/// <summary>POST /getDataEndpoint.</summary>
internal sealed record GetDataEndpointRequest
{
    [JsonPropertyName("StreamName")]
    public string? StreamName { get; init; }

    [JsonPropertyName("StreamARN")]
    public string? StreamArn { get; init; }

    [JsonPropertyName("APIName")]
    public string ApiName { get; init; } = "";
}

/// <summary>GetDataEndpoint's answer: a URL without a path.</summary>
internal sealed record GetDataEndpointResponse
{
    [JsonPropertyName("DataEndpoint")]
    public string? DataEndpoint { get; init; }
}
