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

    /// <summary>kinesis-video-archived-media NextToken: 1–4096 base64 characters.</summary>
    public static void ArchivedNextToken(string value)
    {
        Length(value, "NextToken", 1, 4096);
        if (!ArchivedNextTokenPattern().IsMatch(value))
        {
            throw Invalid(value, "NextToken", "Member must satisfy regular expression pattern: [a-zA-Z0-9+/]+={0,2}", "pass the NextToken of the previous page unchanged");
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
            if (!TagPattern().IsMatch(value))
            {
                throw Invalid(value, $"Tags.{key}", @"Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*", "use letters, digits, spaces and _ . : / = + - @");
            }
        }
    }

    public static void TagKey(string key)
    {
        Length(key, "TagKey", 1, 128);
        if (!TagPattern().IsMatch(key))
        {
            throw Invalid(key, "TagKey", @"Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$", "use letters, digits, spaces and _ . : / = + - @");
        }

        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            throw ServiceError.InvalidArgument($"Tag key '{key}' uses the reserved prefix 'aws:': choose another key.");
        }
    }

    /// <summary>kinesis-video-media FragmentNumberString: 1–128 decimal digits.</summary>
    public static string FragmentNumber(string? value, string field)
    {
        if (value is null)
        {
            throw Missing(field);
        }

        Length(value, field, 1, 128);
        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                throw Invalid(value, field, "Member must satisfy regular expression pattern: ^[0-9]+$", "pass a FragmentNumber from ListFragments or a previous GetMedia");
            }
        }

        return value;
    }

    /// <summary>kinesis-video-media ContinuationToken: 1–128 of [a-zA-Z0-9_.-].</summary>
    public static string ContinuationToken(string? value)
    {
        const string field = "StartSelector.ContinuationToken";
        if (value is null)
        {
            throw Missing(field);
        }

        Length(value, field, 1, 128);
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                throw Invalid(value, field, "Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\.\\-]+$", "pass the AWS_KINESISVIDEO_CONTINUATION_TOKEN of a previous GetMedia");
            }
        }

        return value;
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

    [GeneratedRegex(@"^[a-zA-Z0-9+/]+={0,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex ArchivedNextTokenPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^arn:[a-z\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ArnPattern();
}
