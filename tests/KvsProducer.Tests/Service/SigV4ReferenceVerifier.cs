using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KvsProducer.Tests.Service;

/// <summary>
/// A plain, independent SigV4 check for the test server, written from the specification with
/// strings and HMACSHA256 objects — nothing shared with the client's signer, so a bug in one cannot
/// hide behind the same bug in the other. Verifies against whatever SignedHeaders the request
/// declares (kvs-protocol.md §1.3, emulator rule), with the payload hash of the actual body.
/// </summary>
internal static class SigV4ReferenceVerifier
{
    /// <summary>Null when the signature is right; otherwise why it is not.</summary>
    public static string? Verify(
        string method,
        string path,
        string query,
        IReadOnlyDictionary<string, string[]> headers,
        byte[] body,
        string region,
        string service,
        Func<string, string?> secretOf)
    {
        var authorization = Single(headers, "authorization");
        if (authorization is null || !authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return "no AWS4-HMAC-SHA256 Authorization header";
        }

        var parts = authorization["AWS4-HMAC-SHA256 ".Length..]
            .Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return "Authorization lacks Credential, SignedHeaders or Signature";
        }

        var scope = credential.Split('/');
        if (scope.Length != 5)
        {
            return $"malformed credential '{credential}'";
        }

        var (accessKey, date, scopeRegion, scopeService, terminator) = (scope[0], scope[1], scope[2], scope[3], scope[4]);
        if (scopeRegion != region || scopeService != service || terminator != "aws4_request")
        {
            return $"scope {scopeRegion}/{scopeService}/{terminator} is not {region}/{service}/aws4_request";
        }

        var amzDate = Single(headers, "x-amz-date");
        if (amzDate is null || !amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            return $"X-Amz-Date '{amzDate}' does not match the scope date {date}";
        }

        var secret = secretOf(accessKey);
        if (secret is null)
        {
            return $"unknown access key {accessKey}";
        }

        var signedNames = signedHeaders.Split(';');
        if (!signedNames.Contains("host") || !signedNames.Contains("x-amz-date"))
        {
            return "host and x-amz-date must be signed";
        }

        var canonical = new StringBuilder();
        canonical.Append(method).Append('\n');
        canonical.Append(path.Length == 0 ? "/" : path).Append('\n');
        canonical.Append(string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal))).Append('\n');
        foreach (var name in signedNames)
        {
            if (!headers.TryGetValue(name, out var values))
            {
                return $"signed header {name} is missing from the request";
            }

            canonical.Append(name).Append(':').Append(string.Join(',', values.Select(Normalize))).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n');
        canonical.Append(Hex(SHA256.HashData(body)));

        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{date}/{region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        return expected == signature ? null : $"signature mismatch: expected {expected}, got {signature}; canonical request was:\n{canonical}";
    }

    /// <summary>Parses an X-Amz-Date value.</summary>
    public static DateTimeOffset ParseAmzDate(string value) =>
        DateTimeOffset.ParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string? Single(IReadOnlyDictionary<string, string[]> headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Length == 1 ? values[0] : null;

    private static string Normalize(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static byte[] Hmac(byte[] key, string data)
    {
        using var hmac = new HMACSHA256(key);
        return hmac.ComputeHash(Encoding.UTF8.GetBytes(data));
    }

    private static string Hex(byte[] bytes) => string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
