using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KvsProducer.LocalEndpoint.Internal.Auth;

/// <summary>
/// Verifies AWS Signature Version 4 on incoming requests with the endpoint's own code (never the
/// client's signer:).: the request's own
/// SignedHeaders list is verified, header or presigned-query form, service <c>kinesisvideo</c>,
/// any region, clock skew up to 15 minutes.
/// </summary>
internal sealed class SignatureVerifier
{
    /// <summary>SHA-256 of the empty string, what the C producer hashes for PutMedia.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private const string Algorithm = "AWS4-HMAC-SHA256";
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);
    private readonly string _accessKey;
    private readonly string _secretKey;
    private readonly string _region;
    private readonly string? _sessionToken;
    private readonly TimeProvider _time;

    public SignatureVerifier(string accessKey, string secretKey, string region, string? sessionToken, TimeProvider time)
    {
        _accessKey = accessKey;
        _secretKey = secretKey;
        _region = region;
        _sessionToken = sessionToken;
        _time = time;
    }

    /// <summary>
    /// Throws the service's error unless the request is signed with the configured key.
    /// <paramref name="bodyHash"/> is the hex SHA-256 of a body read in full, or null for a
    /// streamed body (then: <c>x-amz-content-sha256</c> if sent, else the empty-string hash).
    /// </summary>
    public void Verify(HttpRequest request, string? bodyHash)
    {
        string rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString).ToString();
        int queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        string path = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        string query = queryStart < 0 ? string.Empty : rawTarget[(queryStart + 1)..];
        List<KeyValuePair<string, string>> parameters = ParseQuery(query);

        string? authorization = request.Headers.Authorization.ToString();
        string credential, signedHeaders, signature, amzDate;
        bool presigned = false;
        TimeSpan? expires = null;
        if (!string.IsNullOrEmpty(authorization))
        {
            (credential, signedHeaders, signature) = ParseAuthorization(authorization);
            amzDate = request.Headers["X-Amz-Date"].ToString();
            if (amzDate.Length == 0)
            {
                throw ServiceError.IncompleteSignature("The request is signed but has no X-Amz-Date header: send X-Amz-Date (yyyyMMddTHHmmssZ) and sign it.");
            }
        }
        else if (Find(parameters, "X-Amz-Signature") is { } querySignature)
        {
            presigned = true;
            if (Find(parameters, "X-Amz-Algorithm") != Algorithm)
            {
                throw ServiceError.IncompleteSignature($"X-Amz-Algorithm must be {Algorithm}.");
            }

            credential = Find(parameters, "X-Amz-Credential") ?? throw ServiceError.IncompleteSignature("The presigned URL has no X-Amz-Credential.");
            signedHeaders = Find(parameters, "X-Amz-SignedHeaders") ?? throw ServiceError.IncompleteSignature("The presigned URL has no X-Amz-SignedHeaders.");
            amzDate = Find(parameters, "X-Amz-Date") ?? throw ServiceError.IncompleteSignature("The presigned URL has no X-Amz-Date.");
            signature = querySignature;
            if (Find(parameters, "X-Amz-Expires") is { } expiresText && int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
            {
                expires = TimeSpan.FromSeconds(seconds);
            }
        }
        else
        {
            throw ServiceError.MissingAuthenticationToken("Missing Authentication Token: this endpoint was started with credentials, so every request must be signed with SigV4 (service kinesisvideo).");
        }

        string[] scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            throw ServiceError.IncompleteSignature($"Credential '{credential}' is not '<access key>/<yyyyMMdd>/<region>/kinesisvideo/aws4_request'.");
        }

        if (!string.Equals(scope[0], _accessKey, StringComparison.Ordinal))
        {
            throw ServiceError.UnrecognizedClient($"The security token included in the request is invalid: access key '{scope[0]}' is not the one this endpoint was started with.");
        }

        // The service's answer to a scope for another region (AWS SigV4 errors); the region is the endpoint's own.
        if (!string.Equals(scope[2], _region, StringComparison.Ordinal))
        {
            throw ServiceError.InvalidSignature($"Credential should be scoped to a valid region, not '{scope[2]}': this endpoint serves {_region} (LocalKvsOptions.Region, kvs local --region).");
        }

        // Session tokens are checked only when the endpoint was given one (LocalKvsOptions.SessionToken):
        // then the request must carry exactly that token; otherwise tokens are ignored.
        if (_sessionToken is not null)
        {
            string? token = request.Headers["X-Amz-Security-Token"].ToString() is { Length: > 0 } header ? header : Find(parameters, "X-Amz-Security-Token");
            if (token is null)
            {
                throw ServiceError.UnrecognizedClient("The security token included in the request is invalid: this endpoint was started with a session token, so send it in X-Amz-Security-Token.");
            }

            if (!string.Equals(token, _sessionToken, StringComparison.Ordinal))
            {
                throw ServiceError.UnrecognizedClient("The security token included in the request is invalid: it is not the session token this endpoint was started with.");
            }
        }

        if (scope[3] != "kinesisvideo")
        {
            throw ServiceError.InvalidSignature($"Credential should be scoped to correct service: 'kinesisvideo', not '{scope[3]}' (every KVS API signs for kinesisvideo).");
        }

        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset signedAt))
        {
            throw ServiceError.IncompleteSignature($"X-Amz-Date '{amzDate}' is not in the form yyyyMMddTHHmmssZ.");
        }

        if (!amzDate.StartsWith(scope[1], StringComparison.Ordinal))
        {
            throw ServiceError.InvalidSignature($"Credential should be scoped to a valid date: the scope says {scope[1]} but X-Amz-Date is {amzDate}.");
        }

        DateTimeOffset now = _time.GetUtcNow();
        if ((now - signedAt).Duration() > MaxSkew && !presigned)
        {
            throw ServiceError.RequestExpired($"Signature expired: {amzDate} is more than 15 minutes away from the endpoint's time {now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}. Fix the device clock (NTP).");
        }

        if (presigned && (now < signedAt - MaxSkew || now > signedAt + (expires ?? TimeSpan.FromDays(7))))
        {
            throw ServiceError.RequestExpired($"The presigned request signed at {amzDate} has expired or is not valid yet.");
        }

        // Emulator rule: the declared x-amz-content-sha256 (Java's
        // STREAMING-AWS4-HMAC-SHA256-PAYLOAD literal included) if sent, else the hash of a body
        // read in full, else the empty-string hash the C producer signs for chunked PutMedia.
        string declared = request.Headers["x-amz-content-sha256"].ToString();
        string payloadHash = declared.Length > 0 ? declared : bodyHash ?? EmptyPayloadHash;

        string canonical = CanonicalRequest(request.Method, path, parameters, presigned, signedHeaders, request.Headers, payloadHash);
        string stringToSign = StringToSign(amzDate, $"{scope[1]}/{scope[2]}/{scope[3]}/{scope[4]}", canonical);
        string expected = Sign(_secretKey, scope[1], scope[2], scope[3], stringToSign);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            throw ServiceError.InvalidSignature(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.\n"
                + $"The Canonical String for this request should have been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{stringToSign}'");
        }
    }

    internal static string CanonicalRequest(string method, string path, List<KeyValuePair<string, string>> parameters, bool presigned, string signedHeaders, IHeaderDictionary headers, string payloadHash)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n').Append(path.Length == 0 ? "/" : path).Append('\n');
        var sorted = parameters.Where(p => !(presigned && p.Key == "X-Amz-Signature"))
            .Select(p => (Name: Encode(p.Key), Value: Encode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal);
        builder.AppendJoin('&', sorted.Select(p => p.Name + "=" + p.Value)).Append('\n');
        foreach (string name in signedHeaders.Split(';'))
        {
            builder.Append(name).Append(':').Append(CanonicalValue(headers[name].ToString())).Append('\n');
        }

        builder.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    internal static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    internal static string Sign(string secretKey, string date, string region, string service, string stringToSign)
    {
        byte[] key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static (string Credential, string SignedHeaders, string Signature) ParseAuthorization(string authorization)
    {
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            throw ServiceError.IncompleteSignature($"Authorization header must start with '{Algorithm} ' (got '{authorization.Split(' ')[0]}').");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (string part in authorization[(Algorithm.Length + 1)..].Split(','))
        {
            string item = part.Trim();
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                continue;
            }

            string value = item[(eq + 1)..];
            switch (item[..eq])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            throw ServiceError.IncompleteSignature("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }

        return (credential, signedHeaders, signature);
    }

    private static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            string value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            list.Add(new(name, value));
        }

        return list;
    }

    private static string? Find(List<KeyValuePair<string, string>> parameters, string name)
    {
        foreach (KeyValuePair<string, string> p in parameters)
        {
            if (p.Key == name)
            {
                return p.Value;
            }
        }

        return null;
    }

    // SigV4: URI-encode everything but the unreserved characters A-Z a-z 0-9 - _ . ~
    private static string Encode(string value) => Uri.EscapeDataString(value);

    // SigV4: trim the value and collapse runs of spaces into one.
    private static string CanonicalValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value.Trim())
        {
            if (c == ' ')
            {
                if (!space)
                {
                    builder.Append(c);
                }

                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }

        return builder.ToString();
    }
}
