using System.Text.Json.Serialization;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>Source-generated JSON for the archived-media shapes (AOT-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetHlsStreamingSessionUrlRequest))]
[JsonSerializable(typeof(GetHlsStreamingSessionUrlResponse))]
[JsonSerializable(typeof(GetDashStreamingSessionUrlRequest))]
[JsonSerializable(typeof(GetDashStreamingSessionUrlResponse))]
[JsonSerializable(typeof(GetClipRequest))]
[JsonSerializable(typeof(GetImagesRequest))]
[JsonSerializable(typeof(GetImagesResponse))]
internal sealed partial class ArchivedMediaJsonContext : JsonSerializerContext;
