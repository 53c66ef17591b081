using System.Buffers;
using System.Text.Json;
using KvsProducer.LocalEndpoint.Internal.Storage;

namespace KvsProducer.LocalEndpoint.Internal.ControlPlane;

/// <summary>
/// The kinesisvideo operations beyond streams' core life cycle (botocore kinesisvideo 2017-09-30
/// model): the resource-tagging operations on stream ARNs, and answers for features an offline
/// endpoint cannot provide — WebRTC signaling channels, edge agents (IoT Greengrass), image
/// generation (S3 delivery), notifications (SNS), mapped resources and media storage. Those
/// answer what an account without the feature sees (empty lists, "no configuration", not found)
/// and refuse creation with a message, never a bare UnknownOperation (issue 10).
/// </summary>
internal sealed class FeatureApi
{
    private const string Offline = "kvs local runs offline";

    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    private readonly ControlPlaneApi _api;

    public FeatureApi(ControlPlaneApi api)
    {
        _api = api;
    }

    public static bool Handles(string path) => path is "/TagResource" or "/UntagResource" or "/ListTagsForResource"
        or "/createSignalingChannel" or "/deleteSignalingChannel" or "/describeSignalingChannel" or "/updateSignalingChannel"
        or "/listSignalingChannels" or "/getSignalingChannelEndpoint"
        or "/describeImageGenerationConfiguration" or "/updateImageGenerationConfiguration"
        or "/describeNotificationConfiguration" or "/updateNotificationConfiguration"
        or "/describeMappedResourceConfiguration" or "/describeMediaStorageConfiguration" or "/updateMediaStorageConfiguration"
        or "/describeStreamStorageConfiguration" or "/updateStreamStorageConfiguration"
        or "/describeEdgeConfiguration" or "/deleteEdgeConfiguration" or "/startEdgeConfigurationUpdate" or "/listEdgeAgentConfigurations";

    public byte[] Invoke(string path, ReadOnlySpan<byte> body)
    {
        using JsonDocument document = Parse(body);
        JsonElement request = document.RootElement;
        return path switch
        {
            "/TagResource" => TagResource(request),
            "/UntagResource" => UntagResource(request),
            "/ListTagsForResource" => _api.Invoke("/listTagsForStream", StreamArnBody(RequiredString(request, "ResourceARN"))),
            "/listSignalingChannels" => ListSignalingChannels(request),
            "/createSignalingChannel" => throw CreateChannelRefused(request),
            "/deleteSignalingChannel" or "/updateSignalingChannel" => throw NoChannel(RequiredString(request, "ChannelARN")),
            "/describeSignalingChannel" or "/describeMediaStorageConfiguration" => throw NoChannel(ChannelSelector(request)),
            "/getSignalingChannelEndpoint" => throw NoChannel(RequiredString(request, "ChannelARN")),
            "/updateMediaStorageConfiguration" => throw NoChannel(RequiredString(request, "ChannelARN")),
            "/describeImageGenerationConfiguration" or "/describeNotificationConfiguration" => NoConfiguration(request),
            "/updateImageGenerationConfiguration" => UpdateDelivery(request, "ImageGenerationConfiguration", "image generation delivers images to Amazon S3"),
            "/updateNotificationConfiguration" => UpdateDelivery(request, "NotificationConfiguration", "notifications are published to Amazon SNS"),
            "/describeMappedResourceConfiguration" => MappedResources(request),
            "/describeEdgeConfiguration" or "/deleteEdgeConfiguration" => throw NoEdgeConfiguration(Stream(request)),
            "/startEdgeConfigurationUpdate" => throw StartEdgeRefused(request),
            "/describeStreamStorageConfiguration" => DescribeStorage(request),
            "/updateStreamStorageConfiguration" => UpdateStorage(request),
            "/listEdgeAgentConfigurations" => ListEdgeAgents(request),
            _ => throw ServiceError.UnknownOperation($"No operation at '{path}'."),
        };
    }

    private byte[] TagResource(JsonElement request)
    {
        string arn = RequiredString(request, "ResourceARN");
        if (!request.TryGetProperty("Tags", out JsonElement tags) || tags.ValueKind != JsonValueKind.Array)
        {
            throw RequestValidation.Missing("Tags");
        }

        int count = tags.GetArrayLength();
        if (count is < 1 or > RequestValidation.MaxTagsPerStream)
        {
            throw ServiceError.InvalidArgument($"1 validation error detected: Value at 'Tags' failed to satisfy constraint: Member must have length between 1 and {RequestValidation.MaxTagsPerStream} (got {count}).");
        }

        // TagResource's tags are a list of {Key, Value}; TagStream's are a map: same tags.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("StreamARN", arn);
            writer.WriteStartObject("Tags");
            foreach (JsonElement tag in tags.EnumerateArray())
            {
                string key = RequiredString(tag, "Key", "Tags.member.Key");
                string value = RequiredString(tag, "Value", "Tags.member.Value");
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return _api.Invoke("/tagStream", buffer.WrittenSpan);
    }

    private byte[] UntagResource(JsonElement request)
    {
        string arn = RequiredString(request, "ResourceARN");
        if (!request.TryGetProperty("TagKeyList", out JsonElement keys) || keys.ValueKind != JsonValueKind.Array)
        {
            throw RequestValidation.Missing("TagKeyList");
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("StreamARN", arn);
            writer.WritePropertyName("TagKeyList");
            keys.WriteTo(writer);
            writer.WriteEndObject();
        }

        return _api.Invoke("/untagStream", buffer.WrittenSpan);
    }

    private static byte[] ListSignalingChannels(JsonElement request)
    {
        if (request.TryGetProperty("MaxResults", out JsonElement max) && (!max.TryGetInt64(out long value) || value is < 1 or > 10_000))
        {
            throw ServiceError.InvalidArgument($"1 validation error detected: Value '{max}' at 'MaxResults' failed to satisfy constraint: Member must have value between 1 and 10000.");
        }

        // No channel can exist here (CreateSignalingChannel is refused), so every page is empty.
        return """{"ChannelInfoList":[]}"""u8.ToArray();
    }

    private static ServiceError CreateChannelRefused(JsonElement request)
    {
        string name = RequiredString(request, "ChannelName");
        RequestValidation.StreamName(name, "ChannelName");
        return ServiceError.AccessDenied($"Signaling channel '{name}' was not created: {Offline} and does not host WebRTC signaling (kinesis-video-signaling, TURN/STUN). Use a real AWS account for WebRTC.");
    }

    private static ServiceError NoChannel(string channel) =>
        ServiceError.ResourceNotFound($"Signaling channel '{channel}' is not found: {Offline} and hosts no signaling channels.");

    private static string ChannelSelector(JsonElement request) =>
        OptionalString(request, "ChannelARN") ?? OptionalString(request, "ChannelName")
        ?? throw ServiceError.InvalidArgument("Either ChannelName or ChannelARN must be specified.");

    // An existing stream without the configuration: the output shape with its optional member left out.
    private byte[] NoConfiguration(JsonElement request)
    {
        _ = Stream(request);
        return EmptyObject;
    }

    private byte[] UpdateDelivery(JsonElement request, string member, string why)
    {
        StoredStream stream = Stream(request);
        if (stream.State.DataRetentionInHours == 0)
        {
            throw ServiceError.NoDataRetention($"Stream '{stream.State.Name}' keeps no data (DataRetentionInHours is 0): {member} needs retention; raise it with UpdateDataRetention.");
        }

        if (!request.TryGetProperty(member, out JsonElement configuration) || configuration.ValueKind == JsonValueKind.Null)
        {
            return EmptyObject; // removing a configuration that never existed
        }

        throw ServiceError.AccessDenied($"{member} was not applied to stream '{stream.State.Name}': {why}, and {Offline}.");
    }

    private byte[] MappedResources(JsonElement request)
    {
        _ = Stream(request);
        return """{"MappedResourceConfigurationList":[]}"""u8.ToArray();
    }

    private byte[] DescribeStorage(JsonElement request)
    {
        StoredStream stream = Stream(request);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("StreamName", stream.State.Name);
            writer.WriteString("StreamARN", stream.State.Arn);
            writer.WriteStartObject("StreamStorageConfiguration");
            writer.WriteString("DefaultStorageTier", _api.StorageTier(stream));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private byte[] UpdateStorage(JsonElement request)
    {
        StoredStream stream = Stream(request);
        string version = RequiredString(request, "CurrentVersion");
        if (!request.TryGetProperty("StreamStorageConfiguration", out JsonElement configuration) || configuration.ValueKind != JsonValueKind.Object)
        {
            throw RequestValidation.Missing("StreamStorageConfiguration");
        }

        _api.SetStorageTier(stream, version, RequiredString(configuration, "DefaultStorageTier", "StreamStorageConfiguration.DefaultStorageTier"));
        return EmptyObject;
    }

    private static ServiceError NoEdgeConfiguration(StoredStream stream) =>
        ServiceError.StreamEdgeConfigurationNotFound($"Stream '{stream.State.Name}' has no edge configuration: {Offline} and runs no edge agents (IoT Greengrass).");

    private ServiceError StartEdgeRefused(JsonElement request)
    {
        StoredStream stream = Stream(request);
        if (stream.State.DataRetentionInHours == 0)
        {
            return ServiceError.NoDataRetention($"Stream '{stream.State.Name}' keeps no data (DataRetentionInHours is 0): an edge configuration needs retention.");
        }

        return ServiceError.AccessDenied($"The edge configuration of stream '{stream.State.Name}' was not started: {Offline} and cannot reach an IoT Greengrass hub device.");
    }

    private static byte[] ListEdgeAgents(JsonElement request)
    {
        _ = RequiredString(request, "HubDeviceArn");
        return """{"EdgeConfigs":[]}"""u8.ToArray();
    }

    private StoredStream Stream(JsonElement request) => _api.Resolve(OptionalString(request, "StreamName"), OptionalString(request, "StreamARN"));

    private static byte[] StreamArnBody(string arn)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("StreamARN", arn);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string RequiredString(JsonElement request, string name, string? field = null) =>
        OptionalString(request, name, field) ?? throw RequestValidation.Missing(field ?? name);

    private static string? OptionalString(JsonElement request, string name, string? field = null)
    {
        if (!request.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw ServiceError.Serialization($"'{field ?? name}' must be a JSON string, not {Describe(value.ValueKind)}.");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "true/false",
    };

    private static JsonDocument Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            JsonDocument document = JsonDocument.Parse(body.IsEmpty ? EmptyObject : body.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw ServiceError.Serialization("The request body must be a JSON object.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw ServiceError.Serialization($"The request body is not valid JSON: {e.Message}");
        }
    }
}
