namespace KvsProducer.Media.Internal;

/// <summary>
/// What <c>/etc/os-release</c> says about the system (os-release(5): KEY=value lines, values
/// optionally quoted). Only what the FFmpeg install advice needs.
/// </summary>
internal sealed record OsRelease(string Id, string VersionId, string PrettyName)
{
    public const string DefaultPath = "/etc/os-release";

    /// <summary>Reads the file; an absent or unreadable one gives an unknown system (empty fields).</summary>
    public static OsRelease Read(string path = DefaultPath)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return new OsRelease("", "", "");
        }
        catch (UnauthorizedAccessException)
        {
            return new OsRelease("", "", "");
        }

        return Parse(lines);
    }

    public static OsRelease Parse(IEnumerable<string> lines)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || equals <= 0)
            {
                continue;
            }

            values[line[..equals].Trim()] = line[(equals + 1)..].Trim().Trim('"', '\'');
        }

        string id = values.GetValueOrDefault("ID", "");
        string versionId = values.GetValueOrDefault("VERSION_ID", "");
        return new OsRelease(id, versionId, values.GetValueOrDefault("PRETTY_NAME", (id + " " + versionId).Trim()));
    }
}
