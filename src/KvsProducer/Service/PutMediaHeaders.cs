using System.Globalization;
using KvsProducer.Auth;

namespace KvsProducer.Service;

/// <summary>
/// The PutMedia request head as the C producer sends it (the PutMedia API reference), signed with SigV4
/// over the empty payload (§1.3 step 5: the streaming body is not hashed).
/// </summary>
internal static class PutMediaHeaders
{
    public const string Path = "/putMedia";

    public static List<KeyValuePair<string, string>> Build(
        Uri endpoint,
        string streamName,
        FragmentTimecodes timecodes,
        DateTimeOffset producerStart,
        string userAgent,
        SigV4Signer signer,
        KvsCredentials credentials,
        DateTimeOffset signingTime,
        bool http1 = true)
    {
        List<KeyValuePair<string, string>> headers =
        [
            new("host", endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}"),
            new("user-agent", userAgent),
            new("x-amzn-stream-name", streamName),
            new("x-amzn-fragment-timecode-type", timecodes == FragmentTimecodes.Absolute ? "ABSOLUTE" : "RELATIVE"),
            new("x-amzn-producer-start-timestamp", FormatTimestamp(producerStart)),
            new("x-amzn-fragment-acknowledgment-required", "1"),
            new("content-type", "application/json"), // §3.2: what the service is used to (not signed)
        ];
        if (http1)
        {
            headers.Add(new("connection", "keep-alive")); // HTTP/2 forbids connection-specific headers
        }

        var signature = signer.Sign("POST", Path, string.Empty, headers.ToArray(), ReadOnlySpan<byte>.Empty, credentials, signingTime);
        headers.Add(new("X-Amz-Date", signature.AmzDate));
        headers.Add(new("Authorization", signature.Authorization));
        if (signature.SecurityToken is not null)
        {
            headers.Add(new("x-amz-security-token", signature.SecurityToken));
        }

        return headers;
    }

    /// <summary>Seconds since the epoch with three decimals, e.g. <c>1700000000.123</c> (§3.2).</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000m).ToString("0.000", CultureInfo.InvariantCulture);
}
