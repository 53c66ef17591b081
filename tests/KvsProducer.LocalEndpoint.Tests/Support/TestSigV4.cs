using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>
/// The tests' own straightforward SigV4 signer (AWS documentation, header form), written apart
/// from the endpoint's verifier so that one cannot hide the other's bug.
/// </summary>
internal static class TestSigV4
{
    public const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static string Hash(byte[] payload) => Convert.ToHexString(SHA256.HashData(payload)).ToLowerInvariant();

    /// <summary>Authorization header value for the given request parts; headers are (name, value) as sent.</summary>
    public static string Authorization(string method, string path, IEnumerable<(string Name, string Value)> signedHeaders, string payloadHash, string accessKey, string secretKey, string region, string service, DateTime utc)
    {
        string amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string date = amzDate[..8];
        var sorted = signedHeaders.Select(h => (Name: h.Name.ToLowerInvariant(), Value: string.Join(" ", h.Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))))
            .OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        string names = string.Join(";", sorted.Select(h => h.Name));
        string canonical = method + "\n" + path + "\n" + "\n"
            + string.Concat(sorted.Select(h => h.Name + ":" + h.Value + "\n")) + "\n"
            + names + "\n" + payloadHash;
        string scope = $"{date}/{region}/{service}/aws4_request";
        string toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + Hash(Encoding.UTF8.GetBytes(canonical));
        byte[] key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        string signature = Convert.ToHexString(Hmac(key, toSign)).ToLowerInvariant();
        return $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={names}, Signature={signature}";
    }

    /// <summary>Query string of a presigned request (SignedHeaders=host), as the Go library presigns PutMedia.</summary>
    public static string PresignedQuery(string method, string path, string host, string payloadHash, string accessKey, string secretKey, string region, DateTime utc, int expiresSeconds)
    {
        string amzDate = AmzDate(utc);
        string scope = $"{amzDate[..8]}/{region}/kinesisvideo/aws4_request";
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256",
            ["X-Amz-Credential"] = $"{accessKey}/{scope}",
            ["X-Amz-Date"] = amzDate,
            ["X-Amz-Expires"] = expiresSeconds.ToString(CultureInfo.InvariantCulture),
            ["X-Amz-SignedHeaders"] = "host",
        };
        string query = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        string canonical = method + "\n" + path + "\n" + query + "\nhost:" + host + "\n\nhost\n" + payloadHash;
        string toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + Hash(Encoding.UTF8.GetBytes(canonical));
        byte[] key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), amzDate[..8]);
        key = Hmac(key, region);
        key = Hmac(key, "kinesisvideo");
        key = Hmac(key, "aws4_request");
        return query + "&X-Amz-Signature=" + Convert.ToHexString(Hmac(key, toSign)).ToLowerInvariant();
    }

    public static string AmzDate(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static byte[] Hmac(byte[] key, string data)
    {
        using var hmac = new HMACSHA256(key);
        return hmac.ComputeHash(Encoding.UTF8.GetBytes(data));
    }
}
