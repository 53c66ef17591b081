using System.Globalization;
using KvsProducer.LocalEndpoint.Internal.ControlPlane;
using Microsoft.AspNetCore.Http;

namespace KvsProducer.LocalEndpoint.Internal.PutMedia;

/// <summary>The PutMedia request headers, validated.</summary>
internal sealed record PutMediaHeaders(string? StreamName, string? StreamArn, bool Absolute, long ProducerStartMs, bool AckRequired)
{
    public static PutMediaHeaders Parse(IHeaderDictionary headers)
    {
        string? name = Single(headers, "x-amzn-stream-name");
        string? arn = Single(headers, "x-amzn-stream-arn");
        if ((name is null) == (arn is null))
        {
            throw ServiceError.InvalidArgument("PutMedia needs exactly one of the headers x-amzn-stream-name and x-amzn-stream-arn.");
        }

        RequestValidation.StreamName(name, "x-amzn-stream-name");
        RequestValidation.Arn(arn, "x-amzn-stream-arn");

        string? type = Single(headers, "x-amzn-fragment-timecode-type");
        bool absolute = type switch
        {
            "ABSOLUTE" => true,
            "RELATIVE" => false,
            null => throw ServiceError.InvalidArgument("Missing header x-amzn-fragment-timecode-type: send ABSOLUTE or RELATIVE."),
            _ => throw ServiceError.InvalidArgument($"x-amzn-fragment-timecode-type is '{type}': send ABSOLUTE or RELATIVE."),
        };

        string? start = Single(headers, "x-amzn-producer-start-timestamp");
        if (start is null)
        {
            throw ServiceError.InvalidArgument("Missing header x-amzn-producer-start-timestamp: send the producer start time in epoch seconds, e.g. 1700000000.123.");
        }

        // Decimal seconds, optional fraction; the C producer prints the
        // milliseconds unpadded ("1795618345.43"), so any fraction length is accepted as a decimal.
        if (!decimal.TryParse(start, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds) || seconds > 100_000_000_000m)
        {
            throw ServiceError.InvalidArgument($"x-amzn-producer-start-timestamp is '{start}': send epoch seconds as a decimal number, e.g. 1700000000.123.");
        }

        // ACKs are off only for an explicit "0" [what the service does then is unconfirmed].
        bool ackRequired = Single(headers, "x-amzn-fragment-acknowledgment-required") != "0";
        return new PutMediaHeaders(name, arn, absolute, (long)(seconds * 1000m), ackRequired);
    }

    private static string? Single(IHeaderDictionary headers, string name)
    {
        string value = headers[name].ToString();
        return value.Length == 0 ? null : value.Trim();
    }
}
