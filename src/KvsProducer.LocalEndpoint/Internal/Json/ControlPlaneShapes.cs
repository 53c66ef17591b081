namespace KvsProducer.LocalEndpoint.Internal.Json;

// Request and response shapes of the kinesisvideo control plane, field
// names exactly as on the wire (PascalCase). Plain DTOs kept together because they are one
// wire vocabulary; validation lives in ControlPlane/RequestValidation.

internal sealed class StreamSelector
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }
}

internal sealed class CreateStreamRequest
{
    public string? DeviceName { get; set; }

    public string? StreamName { get; set; }

    public string? MediaType { get; set; }

    public string? KmsKeyId { get; set; }

    public int? DataRetentionInHours { get; set; }

    public Dictionary<string, string>? Tags { get; set; }

    public StreamStorageConfiguration? StreamStorageConfiguration { get; set; }
}

internal sealed class StreamStorageConfiguration
{
    public string? DefaultStorageTier { get; set; }
}

internal sealed class CreateStreamResponse
{
    public required string StreamARN { get; init; }
}

internal sealed class DescribeStreamResponse
{
    public required StreamInfo StreamInfo { get; init; }
}

internal sealed class StreamInfo
{
    public string? DeviceName { get; init; }

    public required string StreamName { get; init; }

    public required string StreamARN { get; init; }

    public string? MediaType { get; init; }

    public string? KmsKeyId { get; init; }

    public required string Version { get; init; }

    public required string Status { get; init; }

    public double CreationTime { get; init; }

    public int DataRetentionInHours { get; init; }
}

internal sealed class GetDataEndpointRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? APIName { get; set; }
}

internal sealed class GetDataEndpointResponse
{
    public required string DataEndpoint { get; init; }
}

internal sealed class ListStreamsRequest
{
    public long? MaxResults { get; set; }

    public string? NextToken { get; set; }

    public StreamNameCondition? StreamNameCondition { get; set; }
}

internal sealed class StreamNameCondition
{
    public string? ComparisonOperator { get; set; }

    public string? ComparisonValue { get; set; }
}

internal sealed class ListStreamsResponse
{
    public required List<StreamInfo> StreamInfoList { get; init; }

    public string? NextToken { get; init; }
}

internal sealed class DeleteStreamRequest
{
    public string? StreamARN { get; set; }

    public string? CurrentVersion { get; set; }
}

internal sealed class TagStreamRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public Dictionary<string, string>? Tags { get; set; }
}

internal sealed class UntagStreamRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public List<string>? TagKeyList { get; set; }
}

internal sealed class ListTagsForStreamRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? NextToken { get; set; }
}

internal sealed class ListTagsForStreamResponse
{
    public required Dictionary<string, string> Tags { get; init; }

    public string? NextToken { get; init; }
}

internal sealed class UpdateDataRetentionRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? CurrentVersion { get; set; }

    public string? Operation { get; set; }

    public int? DataRetentionChangeInHours { get; set; }
}

internal sealed class UpdateStreamRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? CurrentVersion { get; set; }

    public string? DeviceName { get; set; }

    public string? MediaType { get; set; }
}

internal sealed class ErrorBody
{
    public required string Message { get; init; }
}
