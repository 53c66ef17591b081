using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json;
using KvsProducer.LocalEndpoint.Internal.ArchivedMedia;
using KvsProducer.LocalEndpoint.Internal.Auth;
using KvsProducer.LocalEndpoint.Internal.WebConsole;
using KvsProducer.LocalEndpoint.Internal.ControlPlane;
using KvsProducer.LocalEndpoint.Internal.Faults;
using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.PutMedia;
using KvsProducer.LocalEndpoint.Internal.ReadBack;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KvsProducer.LocalEndpoint.Internal.Hosting;

/// <summary>
/// The one request delegate: request id, authentication, faults, dispatch by path, and the
/// service's error shape (status, <c>x-amzn-ErrorType</c>,
/// <c>x-amzn-RequestId</c>, <c>{"Message": …}</c>).
/// </summary>
internal sealed class RequestRouter
{
    private const int MaxJsonBody = 1024 * 1024;
    private const string ErrorNamespace = ":https://kinesisvideo.amazonaws.com/doc/2017-09-30/";

    private readonly ControlPlaneApi _controlPlane;
    private readonly FeatureApi _features;
    private readonly ReadBackApi _readBack;
    private readonly PutMediaHandler _putMedia;
    private readonly SignatureVerifier? _verifier;
    private readonly FaultInjector _faults;
    private readonly ILogger _logger;

    /// <summary>HLS, DASH and GetClip; set by <see cref="LocalKvs"/> after construction.</summary>
    public ArchivedMediaApi? ArchivedMedia { get; init; }

    /// <summary>The web console at <c>/</c>; set by <see cref="LocalKvs"/> after construction.</summary>
    public ConsoleSite? WebConsole { get; init; }

    public RequestRouter(ControlPlaneApi controlPlane, ReadBackApi readBack, PutMediaHandler putMedia, SignatureVerifier? verifier, FaultInjector faults, ILogger logger)
    {
        _controlPlane = controlPlane;
        _features = new FeatureApi(controlPlane);
        _readBack = readBack;
        _putMedia = putMedia;
        _verifier = verifier;
        _faults = faults;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        string requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        string path = context.Request.Path.Value ?? "/";
        try
        {
            if (path.StartsWith("/_admin/", StringComparison.Ordinal))
            {
                await AdminAsync(context, path).ConfigureAwait(false);
                return;
            }

            // Session resources (HLS/DASH URLs carry their own token, as the service's do) and the console.
            if (ArchivedMedia is not null && ArchivedMediaApi.HandlesResource(path))
            {
                await ArchivedMedia.ServeResourceAsync(context, path).ConfigureAwait(false);
                return;
            }

            if (WebConsole is not null && !HttpMethods.IsPost(context.Request.Method) && ConsoleSite.Handles(path))
            {
                await WebConsole.ServeAsync(context, path).ConfigureAwait(false);
                return;
            }

            if (!HttpMethods.IsPost(context.Request.Method))
            {
                throw ServiceError.UnknownOperation($"{context.Request.Method} {path}: every KVS API is a POST.");
            }

            if (path == "/putMedia")
            {
                _verifier?.Verify(context.Request, bodyHash: null);
                await _putMedia.HandleAsync(context, requestId).ConfigureAwait(false);
                return;
            }

            bool controlPlane = ControlPlaneApi.Handles(path);
            if (!controlPlane && !ReadBackApi.Handles(path) && !FeatureApi.Handles(path) && !(ArchivedMedia is not null && ArchivedMediaApi.Handles(path)))
            {
                await UnknownOperationAsync(context).ConfigureAwait(false);
                return;
            }

            ReadOnlyMemory<byte> body = await ReadJsonBodyAsync(context.Request.BodyReader, context.RequestAborted).ConfigureAwait(false);
            _verifier?.Verify(context.Request, Convert.ToHexStringLower(SHA256.HashData(body.Span)));
            if (_faults.NextControlPlaneFault(path) is { } injected)
            {
                throw injected;
            }

            switch (path)
            {
                case "/listFragments":
                    await WriteJsonAsync(context, _readBack.ListFragments(body.Span)).ConfigureAwait(false);
                    break;
                case "/getMedia":
                    await _readBack.GetMediaAsync(context, body).ConfigureAwait(false);
                    break;
                case "/getMediaForFragmentList":
                    await _readBack.GetMediaForFragmentListAsync(context, body).ConfigureAwait(false);
                    break;
                case "/getHLSStreamingSessionURL" or "/getDASHStreamingSessionURL" or "/getClip" or "/getImages":
                    await ArchivedMedia!.InvokeAsync(context, path, body).ConfigureAwait(false);
                    break;
                default:
                    await WriteJsonAsync(context, controlPlane ? _controlPlane.Invoke(path, body.Span) : _features.Invoke(path, body.Span)).ConfigureAwait(false);
                    break;
            }
        }
        catch (ServiceError error)
        {
            Log.RequestFailed(_logger, context.Request.Method, path, error.Status, error.ErrorType);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            await WriteErrorAsync(context, error).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client left.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Log.Unexpected(_logger, e, path);
            if (!context.Response.HasStarted)
            {
                await WriteErrorAsync(context, ServiceError.InternalFailure($"The local endpoint failed: {e.Message}")).ConfigureAwait(false);
            }
            else
            {
                context.Abort();
            }
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, ServiceError error)
    {
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = error.ErrorType + ErrorNamespace;
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new ErrorBody { Message = error.Message }, LocalKvsJsonContext.Default.ErrorBody);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    // What the service answered for a wrongly-cased path.
    private static async Task UnknownOperationAsync(HttpContext context)
    {
        context.Response.StatusCode = 404;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = "UnknownOperationException" + ErrorNamespace;
        byte[] body = """{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}"""u8.ToArray();
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, byte[] json)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<ReadOnlyMemory<byte>> ReadJsonBodyAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.Buffer.Length > MaxJsonBody)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                throw ServiceError.Serialization($"The request body exceeds {MaxJsonBody} bytes; KVS request bodies are small JSON objects.");
            }

            if (result.IsCompleted)
            {
                byte[] body = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return body;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    // Run-time fault control: GET shows the faults in force, POST replaces them (JSON of LocalKvsFaults).
    private async Task AdminAsync(HttpContext context, string path)
    {
        if (path != "/_admin/faults")
        {
            throw ServiceError.UnknownOperation($"No admin resource at '{path}': use /_admin/faults.");
        }

        if (HttpMethods.IsPost(context.Request.Method))
        {
            ReadOnlyMemory<byte> body = await ReadJsonBodyAsync(context.Request.BodyReader, context.RequestAborted).ConfigureAwait(false);
            FaultsDocument document = ControlPlaneApi.Read(body.Span, LocalKvsJsonContext.Default.FaultsDocument);
            try
            {
                _faults.Apply(document.ToFaults());
            }
            catch (ArgumentException e)
            {
                throw ServiceError.InvalidArgument(e.Message);
            }
        }
        else if (!HttpMethods.IsGet(context.Request.Method))
        {
            throw ServiceError.UnknownOperation("Use GET or POST on /_admin/faults.");
        }

        await WriteJsonAsync(context, JsonSerializer.SerializeToUtf8Bytes(FaultsDocument.From(_faults.Current), LocalKvsJsonContext.Default.FaultsDocument)).ConfigureAwait(false);
    }
}
