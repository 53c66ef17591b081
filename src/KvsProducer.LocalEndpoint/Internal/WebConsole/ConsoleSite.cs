using System.Text.Json;
using KvsProducer.LocalEndpoint.Internal.ArchivedMedia;
using KvsProducer.LocalEndpoint.Internal.ControlPlane;
using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Storage;
using Microsoft.AspNetCore.Http;

namespace KvsProducer.LocalEndpoint.Internal.WebConsole;

/// <summary>
/// The web console at the endpoint's root: a page (embedded wwwroot/), the vendored hls.js, and
/// three read-only JSON resources the page polls — streams, one stream's tags and newest
/// fragments, and a LIVE HLS session URL for the player. Like /_admin/, these are local-endpoint
/// extras and need no signature (a browser cannot sign); they only read.
/// </summary>
internal sealed class ConsoleSite
{
    private const int FragmentsShown = 50;
    private readonly ControlPlaneApi _api;
    private readonly StreamRegistry _registry;
    private readonly ArchivedMediaApi _archivedMedia;

    public ConsoleSite(ControlPlaneApi api, StreamRegistry registry, ArchivedMediaApi archivedMedia)
    {
        _api = api;
        _registry = registry;
        _archivedMedia = archivedMedia;
    }

    public static bool Handles(string path) => path == "/" || path.StartsWith("/console/", StringComparison.Ordinal);

    public async Task ServeAsync(HttpContext context, string path)
    {
        switch (path)
        {
            case "/":
                await ConsoleAssets.WriteAsync(context, "index.html").ConfigureAwait(false);
                break;
            case "/console/api/streams":
                await WriteJsonAsync(context, Streams()).ConfigureAwait(false);
                break;
            case "/console/api/stream":
                await WriteJsonAsync(context, Stream(context.Request.Query["name"].ToString())).ConfigureAwait(false);
                break;
            case "/console/api/live":
                string url = await _archivedMedia.LiveHlsUrlAsync(context.Request, _api.Resolve(context.Request.Query["name"].ToString(), null), context.RequestAborted).ConfigureAwait(false);
                await WriteJsonAsync(context, JsonSerializer.SerializeToUtf8Bytes(new GetHlsStreamingSessionUrlResponse { HLSStreamingSessionURL = url }, ArchivedMediaJsonContext.Default.GetHlsStreamingSessionUrlResponse)).ConfigureAwait(false);
                break;
            default:
                await ConsoleAssets.WriteAsync(context, path["/console/".Length..]).ConfigureAwait(false);
                break;
        }
    }

    private byte[] Streams()
    {
        var streams = _registry.ListSorted().Where(s => !s.Deleted).Select(s => new ConsoleStream
        {
            StreamName = s.State.Name,
            Status = _api.Info(s).Status,
            DataRetentionInHours = s.State.DataRetentionInHours,
            FragmentCount = s.Fragments.Count,
        }).ToList();
        return JsonSerializer.SerializeToUtf8Bytes(streams, ConsoleJsonContext.Default.ListConsoleStream);
    }

    private byte[] Stream(string name)
    {
        StoredStream stream = _api.Resolve(name, null);
        FragmentRecord[] fragments = stream.Fragments.Snapshot();
        var details = new ConsoleStreamDetails
        {
            StreamName = stream.State.Name,
            Status = _api.Info(stream).Status,
            DataRetentionInHours = stream.State.DataRetentionInHours,
            FragmentCount = fragments.Length,
            Tags = _registry.Read(() => new Dictionary<string, string>(stream.State.Tags, StringComparer.Ordinal)),
            Fragments = [.. fragments.Reverse().Take(FragmentsShown).Select(f => new FragmentInfo
            {
                FragmentNumber = f.Number,
                FragmentSizeInBytes = f.SizeBytes,
                ProducerTimestamp = f.ProducerTimestampMs / 1000.0,
                ServerTimestamp = f.ServerTimestampMs / 1000.0,
                FragmentLengthInMilliseconds = f.DurationMs,
            })],
        };
        return JsonSerializer.SerializeToUtf8Bytes(details, ConsoleJsonContext.Default.ConsoleStreamDetails);
    }

    private static async Task WriteJsonAsync(HttpContext context, byte[] json)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }
}
