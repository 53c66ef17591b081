using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>Plain JSON calls to the endpoint with HttpClient (fine for request/response APIs).</summary>
internal sealed class KvsApi : IDisposable
{
    private readonly HttpClient _http;

    public KvsApi(Uri url, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = url;
        _http.Timeout = TimeSpan.FromSeconds(10);
    }

    public Func<HttpRequestMessage, byte[], Task>? Sign { get; set; }

    public async Task<ApiResult> CallAsync(string operation, string json)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + operation) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (Sign is not null)
        {
            await Sign(request, body);
        }

        using HttpResponseMessage response = await _http.SendAsync(request);
        byte[] content = await response.Content.ReadAsByteArrayAsync();
        return new ApiResult(
            (int)response.StatusCode,
            response.Headers.TryGetValues("x-amzn-ErrorType", out IEnumerable<string>? type) ? type.First() : null,
            response.Headers.TryGetValues("x-amzn-RequestId", out IEnumerable<string>? id) ? id.First() : null,
            content.Length == 0 ? default : JsonDocument.Parse(content).RootElement.Clone(),
            response.Content.Headers.ContentType?.MediaType,
            content);
    }

    public async Task<string> CreateStreamAsync(string name, int retentionHours = 24)
    {
        ApiResult result = await CallAsync("createStream", $$"""{"DeviceName":"dev","StreamName":"{{name}}","MediaType":"video/h264","DataRetentionInHours":{{retentionHours}}}""");
        Assert.That(result.Status, Is.EqualTo(200), result.ToString());
        return result.Body.GetProperty("StreamARN").GetString()!;
    }

    public async Task<JsonElement> DescribeAsync(string name)
    {
        ApiResult result = await CallAsync("describeStream", $$"""{"StreamName":"{{name}}"}""");
        Assert.That(result.Status, Is.EqualTo(200), result.ToString());
        return result.Body.GetProperty("StreamInfo");
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record ApiResult(int Status, string? ErrorType, string? RequestId, JsonElement Body, string? ContentType, byte[] Raw)
{
    public string? Message => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("Message", out JsonElement m) ? m.GetString() : null;

    public override string ToString() => $"{Status} {ErrorType} {Encoding.UTF8.GetString(Raw)}";
}
