using System.Text.Json.Serialization;

namespace KvsProducer.LocalEndpoint.Internal.Json;

/// <summary>Source-generated JSON for every shape the endpoint reads or writes (AOT-safe, no reflection).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(StreamSelector))]
[JsonSerializable(typeof(CreateStreamRequest))]
[JsonSerializable(typeof(CreateStreamResponse))]
[JsonSerializable(typeof(DescribeStreamResponse))]
[JsonSerializable(typeof(GetDataEndpointRequest))]
[JsonSerializable(typeof(GetDataEndpointResponse))]
[JsonSerializable(typeof(ListStreamsRequest))]
[JsonSerializable(typeof(ListStreamsResponse))]
[JsonSerializable(typeof(DeleteStreamRequest))]
[JsonSerializable(typeof(TagStreamRequest))]
[JsonSerializable(typeof(UntagStreamRequest))]
[JsonSerializable(typeof(ListTagsForStreamRequest))]
[JsonSerializable(typeof(ListTagsForStreamResponse))]
[JsonSerializable(typeof(UpdateDataRetentionRequest))]
[JsonSerializable(typeof(UpdateStreamRequest))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(GetMediaRequest))]
[JsonSerializable(typeof(ListFragmentsRequest))]
[JsonSerializable(typeof(ListFragmentsResponse))]
[JsonSerializable(typeof(GetMediaForFragmentListRequest))]
[JsonSerializable(typeof(StateDocument))]
[JsonSerializable(typeof(FragmentRecord))]
[JsonSerializable(typeof(FaultsDocument))]
internal sealed partial class LocalKvsJsonContext : JsonSerializerContext;
