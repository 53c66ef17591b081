using System.Text.Json.Serialization;

namespace KvsProducer.Service;

/// <summary>
/// Source-generated System.Text.Json metadata for the control-plane shapes: no reflection, so the
/// library stays AOT- and trim-safe.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DescribeStreamRequest))]
[JsonSerializable(typeof(DescribeStreamResponse))]
[JsonSerializable(typeof(CreateStreamRequest))]
[JsonSerializable(typeof(CreateStreamResponse))]
[JsonSerializable(typeof(TagStreamRequest))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(GetDataEndpointRequest))]
[JsonSerializable(typeof(GetDataEndpointResponse))]
internal sealed partial class ControlPlaneJsonContext : JsonSerializerContext;
