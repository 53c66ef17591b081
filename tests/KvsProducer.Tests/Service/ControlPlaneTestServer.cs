using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Tests.Service;

/// <summary>A canned service answer.</summary>
internal sealed record ControlPlaneCannedResponse(int Status, string Body, string? ErrorType = null)
{
    public static ControlPlaneCannedResponse Ok(string json) => new(200, json);

    public static ControlPlaneCannedResponse Error(int status, string errorType, string message) =>
        new(status, $$"""{"Message":"{{message}}"}""", errorType);
}

/// <summary>What the server received, and what it thought of the signature.</summary>
internal sealed record ControlPlaneRecordedRequest(string Path, IReadOnlyDictionary<string, string[]> Headers, string Body, string? SignatureError, bool Expired);

/// <summary>
/// A stand-in for the KVS control plane on Kestrel at 127.0.0.1:0: verifies every request's SigV4
/// signature with <see cref="SigV4ReferenceVerifier"/>, refuses requests signed more than 5 minutes
/// away from its own clock as AWS does ("Signature expired" / "Signature not yet current", 403
/// InvalidSignatureException), and otherwise answers with canned responses carrying the real
/// headers (x-amzn-RequestId, x-amzn-ErrorType with its namespace suffix, Date).
/// </summary>
internal sealed class ControlPlaneTestServer : IAsyncDisposable
{
    public const string Region = "us-west-2";
    public const string AccessKey = "AKIDEXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ControlPlaneCannedResponse>> _queued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ControlPlaneCannedResponse> _defaults = new(StringComparer.Ordinal);
    private int _requestCounter;

    private ControlPlaneTestServer(WebApplication app, Func<DateTimeOffset> clock)
    {
        _app = app;
        Clock = clock;
    }

    /// <summary>The server's clock (the client's fake clock plus whatever skew a test wants).</summary>
    public Func<DateTimeOffset> Clock { get; set; }

    /// <summary>The session token requests must carry, when the test's credentials have one.</summary>
    public string? ExpectedSessionToken { get; set; }

    /// <summary>Runs before the answer is written; a test can hold a request here.</summary>
    public Func<ControlPlaneRecordedRequest, Task>? BeforeAnswer { get; set; }

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<ControlPlaneRecordedRequest> Requests { get; } = new();

    public IEnumerable<ControlPlaneRecordedRequest> RequestsTo(string path) => Requests.Where(r => r.Path == path);

    public static async Task<ControlPlaneTestServer> StartAsync(Func<DateTimeOffset> clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ControlPlaneTestServer(app, clock);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        server.Url = new Uri(app.Urls.First());
        return server;
    }

    /// <summary>Answers the next request to <paramref name="path"/> with <paramref name="response"/> (in order queued).</summary>
    public void Enqueue(string path, ControlPlaneCannedResponse response) =>
        _queued.GetOrAdd(path, _ => new ConcurrentQueue<ControlPlaneCannedResponse>()).Enqueue(response);

    /// <summary>Answers requests to <paramref name="path"/> with <paramref name="response"/> once the queue is empty.</summary>
    public void SetDefault(string path, ControlPlaneCannedResponse response) => _defaults[path] = response;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        var body = buffer.ToArray();
        var headers = context.Request.Headers.ToDictionary(
            h => h.Key.ToLowerInvariant(),
            h => h.Value.Select(v => v ?? "").ToArray(),
            StringComparer.Ordinal);
        var path = context.Request.Path.Value ?? "/";
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "";
        var signatureError = SigV4ReferenceVerifier.Verify(
            context.Request.Method, path, query, headers, body, Region, "kinesisvideo", key => key == AccessKey ? Secret : null);
        if (signatureError is null && ExpectedSessionToken is not null
            && (!headers.TryGetValue("x-amz-security-token", out var token) || token.Single() != ExpectedSessionToken))
        {
            signatureError = "missing or wrong x-amz-security-token";
        }

        var now = Clock();
        var signedAt = headers.TryGetValue("x-amz-date", out var amzDate) ? SigV4ReferenceVerifier.ParseAmzDate(amzDate[0]) : now;
        var expired = (signedAt - now).Duration() > AllowedSkew;
        var recorded = new ControlPlaneRecordedRequest(path, headers, System.Text.Encoding.UTF8.GetString(body), signatureError, expired);
        Requests.Enqueue(recorded);
        if (BeforeAnswer is { } hold)
        {
            await hold(recorded).ConfigureAwait(false);
        }

        ControlPlaneCannedResponse answer;
        if (signatureError is not null)
        {
            answer = ControlPlaneCannedResponse.Error(403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
        }
        else if (expired)
        {
            answer = signedAt < now
                ? ControlPlaneCannedResponse.Error(403, "InvalidSignatureException", $"Signature expired: {Format(signedAt)} is now earlier than {Format(now - AllowedSkew)} ({Format(now)} - 5 min.)")
                : ControlPlaneCannedResponse.Error(403, "InvalidSignatureException", $"Signature not yet current: {Format(signedAt)} is still later than {Format(now + AllowedSkew)} ({Format(now)} + 5 min.)");
        }
        else if (_queued.TryGetValue(path, out var queue) && queue.TryDequeue(out var queued))
        {
            answer = queued;
        }
        else if (_defaults.TryGetValue(path, out var fallback))
        {
            answer = fallback;
        }
        else
        {
            answer = ControlPlaneCannedResponse.Error(404, "UnknownOperationException", $"No canned answer for {path}.");
        }

        var response = context.Response;
        response.StatusCode = answer.Status;
        response.Headers["x-amzn-RequestId"] = $"req-{Interlocked.Increment(ref _requestCounter):D4}";
        response.Headers.Date = now.ToString("r", CultureInfo.InvariantCulture);
        if (answer.ErrorType is not null)
        {
            response.Headers["x-amzn-ErrorType"] = answer.ErrorType + ":http://internal.amazon.com/coral/com.amazonaws.kinesis.video.v20170930/";
        }

        response.ContentType = "application/json";
        await response.WriteAsync(answer.Body).ConfigureAwait(false);
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}
