using System.Globalization;

namespace KvsProducer.Auth;

/// <summary>
/// The credentials file of the KVS C and C++ producer SDKs (FileCredentialProvider.c):
/// one line of whitespace-separated tokens, either
/// <c>CREDENTIALS &lt;access key id&gt; &lt;secret access key&gt;</c> or
/// <c>CREDENTIALS &lt;access key id&gt; &lt;expiration&gt; &lt;secret access key&gt; [&lt;session token&gt;]</c>,
/// the expiration in ISO 8601 UTC (<c>2026-11-25T17:00:00Z</c>). Like the C SDK, a fourth token
/// means the third one is the expiration.
/// </summary>
internal static class CredentialsFile
{
    /// <summary>Bigger than any real file (a session token is under 2 KB); bounds what a wrong path can make us read.</summary>
    internal const int MaximumLength = 64 * 1024;

    internal const string Marker = "CREDENTIALS";

    private const string ExpectedFormat = "'CREDENTIALS <access key id> <secret access key>' or 'CREDENTIALS <access key id> <expiration, e.g. 2026-11-25T17:00:00Z> <secret access key> [<session token>]'";

    /// <summary>Parses the file's text; <paramref name="path"/> only names it in errors.</summary>
    public static KvsCredentials Parse(string text, string path)
    {
        var tokens = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0)
        {
            throw Invalid(path, "the file is empty");
        }

        if (!string.Equals(tokens[0], Marker, StringComparison.Ordinal))
        {
            throw Invalid(path, $"it starts with '{Truncate(tokens[0])}' instead of '{Marker}'");
        }

        switch (tokens.Length)
        {
            case 3:
                return new KvsCredentials(tokens[1], tokens[2]);
            case 4 or 5:
                var expiration = ParseExpiration(tokens[2], path);
                return new KvsCredentials(tokens[1], tokens[3], tokens.Length == 5 ? tokens[4] : null, expiration);
            default:
                throw Invalid(path, $"it has {tokens.Length - 1} value(s) after '{Marker}' where 2 to 4 are expected");
        }
    }

    private static DateTimeOffset ParseExpiration(string token, string path)
    {
        if (DateTimeOffset.TryParse(token, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiration)
            && token.Contains('T', StringComparison.Ordinal))
        {
            return expiration;
        }

        throw Invalid(path, $"the expiration '{Truncate(token)}' is not an ISO 8601 UTC time such as 2026-11-25T17:00:00Z");
    }

    private static CredentialsException Invalid(string path, string problem) =>
        new(CredentialsFailure.InvalidFormat, $"The credentials file '{path}' is not in the expected format: {problem}. Write {ExpectedFormat}.");

    // Never echo more than a few characters of a token that may be a secret.
    private static string Truncate(string token) => token.Length <= 24 ? token : string.Concat(token.AsSpan(0, 8), "…");
}
