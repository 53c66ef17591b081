using System.Text.Json.Serialization;

namespace KvsProducer.Auth;

/// <summary>The IoT credentials endpoint's answer: <c>{"credentials":{"accessKeyId","secretAccessKey","sessionToken","expiration"}}</c>.</summary>
internal sealed record IotCredentialsResponse(
    [property: JsonPropertyName("credentials")] IotCredentialsBody? Credentials);

/// <summary>The <c>credentials</c> object; expiration is ISO 8601 UTC.</summary>
internal sealed record IotCredentialsBody(
    [property: JsonPropertyName("accessKeyId")] string? AccessKeyId,
    [property: JsonPropertyName("secretAccessKey")] string? SecretAccessKey,
    [property: JsonPropertyName("sessionToken")] string? SessionToken,
    [property: JsonPropertyName("expiration")] DateTimeOffset? Expiration);

/// <summary>The endpoint's error body: <c>{"message":"..."}</c>.</summary>
internal sealed record IotErrorResponse(
    [property: JsonPropertyName("message")] string? Message);

/// <summary>Source-generated (AOT-safe) serialization of the IoT credentials endpoint's JSON.</summary>
[JsonSerializable(typeof(IotCredentialsResponse))]
[JsonSerializable(typeof(IotErrorResponse))]
internal sealed partial class IotCredentialsJsonContext : JsonSerializerContext;
