using Microsoft.AspNetCore.Http;

namespace KvsProducer.LocalEndpoint.Internal.WebConsole;

/// <summary>The console's static files, embedded from wwwroot/ (so the console works offline, from the package).</summary>
internal static class ConsoleAssets
{
    private const string Prefix = "KvsProducer.LocalEndpoint.Console.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
        ["hls.min.js"] = "text/javascript; charset=utf-8",
        ["hls.js.LICENSE"] = "text/plain; charset=utf-8",
    };

    public static async Task WriteAsync(HttpContext context, string name)
    {
        if (!ContentTypes.TryGetValue(name, out string? contentType))
        {
            throw ServiceError.ResourceNotFound($"The console has no file '{name}'.");
        }

        await using Stream resource = typeof(ConsoleAssets).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw ServiceError.InternalFailure($"The console file '{name}' is missing from the assembly: rebuild KvsProducer.LocalEndpoint.");
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = resource.Length;
        await resource.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
