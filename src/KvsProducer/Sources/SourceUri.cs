using System.Globalization;

namespace KvsProducer.Sources;

/// <summary>
/// A source URI as the library, the CLI and the samples write it:
/// <c>scheme:path?key=value&amp;key=value</c>, e.g. <c>frames:clips/door?fps=25</c> or <c>file:clip.h264?fps=30</c>.
/// Parsed by hand because these are not RFC 3986 URIs (relative paths, no authority).
/// </summary>
public sealed class SourceUri
{
    private readonly Dictionary<string, string> _query;

    private SourceUri(string original, string scheme, string path, Dictionary<string, string> query)
    {
        Original = original;
        Scheme = scheme;
        Path = path;
        _query = query;
    }

    /// <summary>The URI as given.</summary>
    public string Original { get; }

    /// <summary>The scheme, lower case, without the colon (<c>frames</c>, <c>file</c>, <c>testsrc</c>, <c>rtsp</c>, <c>v4l2</c>, <c>exec</c>, <c>stdin</c>, <c>fifo</c>).</summary>
    public string Scheme { get; }

    /// <summary>Everything between the scheme and the query (for <c>file:</c> and <c>frames:</c>, a file system path; <c>file://</c> prefixes removed).</summary>
    public string Path { get; }

    /// <summary>The query parameters.</summary>
    public IReadOnlyDictionary<string, string> Query => _query;

    /// <summary>Parses <paramref name="uri"/>; throws <see cref="ArgumentException"/> saying what is wrong and showing the expected form.</summary>
    public static SourceUri Parse(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new ArgumentException($"Source '{uri}' has no scheme: write it as frames:DIR?fps=25, file:clip.h264?fps=25, testsrc:?size=1280x720&rate=30, rtsp://host/path, v4l2:///dev/video0 or exec:rpicam-vid -t 0 --inline -o -.", nameof(uri));
        }

        var scheme = uri[..colon].ToLowerInvariant();
        var rest = uri[(colon + 1)..];
        var question = scheme == "rtsp" ? -1 : rest.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? rest : rest[..question];
        if (scheme is "file" or "frames" && path.StartsWith("//", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (question >= 0)
        {
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
                var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
                if (!query.TryAdd(key, value))
                {
                    throw new ArgumentException($"Source '{uri}' gives '{key}' twice: give each option once.", nameof(uri));
                }
            }
        }

        return new SourceUri(uri, scheme, path, query);
    }

    /// <summary>A positive number option, or <paramref name="fallback"/> when absent.</summary>
    public double GetPositiveNumber(string key, double fallback)
    {
        if (!_query.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentException($"Source '{Original}': {key}={text} is not a positive number (e.g. {key}=25 or {key}=29.97).");
        }

        return value;
    }

    /// <summary>Throws when the URI carries an option the source does not know, so typos do not pass silently.</summary>
    public void RequireOnly(params string[] known)
    {
        foreach (var key in _query.Keys)
        {
            if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Source '{Original}': unknown option '{key}' for {Scheme}: sources; known options: {(known.Length == 0 ? "none" : string.Join(", ", known))}.");
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Original;
}
