namespace KvsProducer.Auth;

/// <summary>Checks every provider applies before handing credentials to the signer.</summary>
internal static class CredentialsValidation
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the bad key and where it came from.</summary>
    public static void ThrowIfInvalid(KvsCredentials credentials, string source)
    {
        if (Problem(credentials) is { } problem)
        {
            throw new ArgumentException($"The {source} are invalid: {problem}", nameof(credentials));
        }
    }

    /// <summary>What is wrong with <paramref name="credentials"/>, or null when they can sign a request.</summary>
    public static string? Problem(KvsCredentials credentials)
    {
        if (string.IsNullOrWhiteSpace(credentials.AccessKeyId))
        {
            return "the access key id is empty. Give the access key id of an IAM user or role (AKIA… or ASIA…).";
        }

        if (string.IsNullOrWhiteSpace(credentials.SecretAccessKey))
        {
            return $"the secret access key of '{credentials.AccessKeyId}' is empty. Give the secret that belongs to this access key id.";
        }

        if (ContainsWhitespace(credentials.AccessKeyId))
        {
            return $"the access key id '{credentials.AccessKeyId}' contains whitespace. Remove spaces and line breaks copied with it.";
        }

        if (ContainsWhitespace(credentials.SecretAccessKey))
        {
            return $"the secret access key of '{credentials.AccessKeyId}' contains whitespace. Remove spaces and line breaks copied with it.";
        }

        if (credentials.SessionToken is { } token && (token.Length == 0 || ContainsWhitespace(token)))
        {
            return $"the session token of '{credentials.AccessKeyId}' is empty or contains whitespace. Pass null for long-term keys, or the whole token.";
        }

        return null;
    }

    private static bool ContainsWhitespace(string value)
    {
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }
}
