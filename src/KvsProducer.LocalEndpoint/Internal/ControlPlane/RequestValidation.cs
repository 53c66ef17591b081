using System.Text.RegularExpressions;

namespace KvsProducer.LocalEndpoint.Internal.ControlPlane;

/// <summary>
/// Field checks of the kinesisvideo model. Messages follow the
/// service's "Value … at … failed to satisfy constraint" form and add what to do.
/// </summary>
internal static partial class RequestValidation
{
    public const int MaxTagsPerStream = 50;

    public static void StreamName(string? value, string field = "StreamName") =>
        NameLike(value, field, 256);

    public static void DeviceName(string? value) => NameLike(value, "DeviceName", 128);

    public static void MediaType(string? value)
    {
        if (value is null)
        {
            return;
        }

        Length(value, "MediaType", 1, 128);
        if (!MediaTypePattern().IsMatch(value))
        {
            throw Invalid(value, "MediaType", @"Member must satisfy regular expression pattern: [\w\-\.\+]+/[\w\-\.\+]+(,[\w\-\.\+]+/[\w\-\.\+]+)*", "use type/subtype, comma-separated per track, e.g. video/h264,audio/aac");
        }
    }

    public static void KmsKeyId(string? value)
    {
        if (value is not null)
        {
            Length(value, "KmsKeyId", 1, 2048);
        }
    }

    public static void Arn(string? value, string field = "StreamARN")
    {
        if (value is null)
        {
            return;
        }

        Length(value, field, 1, 1024);
        if (!ArnPattern().IsMatch(value))
        {
            throw Invalid(value, field, "Member must satisfy regular expression pattern: arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+", "pass the StreamARN that CreateStream or DescribeStream returned");
        }
    }

    public static void Version(string? value, string field = "CurrentVersion")
    {
        if (value is null)
        {
            throw Missing(field);
        }

        Length(value, field, 1, 64);
        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                throw Invalid(value, field, "Member must satisfy regular expression pattern: [a-zA-Z0-9]+", "pass the Version that DescribeStream returned");
            }
        }
    }

    public static void NextToken(string? value, int max = 1024)
    {
        if (value is null)
        {
            return;
        }

        Length(value, "NextToken", 0, max);
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
            {
                throw Invalid(value, "NextToken", "Member must satisfy regular expression pattern: [a-zA-Z0-9+/=]*", "pass the NextToken of the previous page unchanged");
            }
        }
    }

    public static void Tags(Dictionary<string, string>? tags, bool required)
    {
        if (tags is null)
        {
            if (required)
            {
                throw Missing("Tags");
            }

            return;
        }

        if (tags.Count is < 1 or > MaxTagsPerStream)
        {
            throw ServiceError.InvalidArgument($"1 validation error detected: Value at 'Tags' failed to satisfy constraint: Member must have length between 1 and {MaxTagsPerStream} (got {tags.Count} tags).");
        }

        foreach ((string key, string value) in tags)
        {
            TagKey(key);
            if (value is null)
            {
                throw Missing($"Tags.{key}");
            }

            Length(value, $"Tags.{key}", 0, 256);
        }
    }

    public static void TagKey(string key)
    {
        Length(key, "TagKey", 1, 128);
        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            throw ServiceError.InvalidArgument($"Tag key '{key}' uses the reserved prefix 'aws:': choose another key.");
        }
    }

    public static ServiceError Missing(string field) =>
        ServiceError.InvalidArgument($"1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null (set {field}).");

    public static ServiceError Invalid(string value, string field, string constraint, string advice) =>
        ServiceError.InvalidArgument($"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint} ({advice}).");

    public static void Length(string value, string field, int min, int max)
    {
        if (value.Length < min || value.Length > max)
        {
            throw Invalid(value.Length > 80 ? value[..80] + "…" : value, field, $"Member must have length between {min} and {max}", $"it has {value.Length} characters");
        }
    }

    private static void NameLike(string? value, string field, int max)
    {
        if (value is null)
        {
            return;
        }

        Length(value, field, 1, max);
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                throw Invalid(value, field, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", $"'{c}' is not allowed: use letters, digits, '_', '.', '-' (1–{max} characters)");
            }
        }
    }

    [GeneratedRegex(@"^[\w\-\.\+]+/[\w\-\.\+]+(,[\w\-\.\+]+/[\w\-\.\+]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaTypePattern();

    [GeneratedRegex(@"^arn:[a-z\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ArnPattern();
}
