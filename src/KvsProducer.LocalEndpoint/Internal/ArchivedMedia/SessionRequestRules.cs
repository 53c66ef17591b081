using System.Globalization;
using KvsProducer.LocalEndpoint.Internal.ControlPlane;
using KvsProducer.LocalEndpoint.Internal.Storage;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// The constraints GetHLSStreamingSessionURL, GetDASHStreamingSessionURL and GetClip share
/// (kinesis-video-archived-media model and API reference): enums, Expires 300–43200 s, playlist
/// sizes, which modes need a time range, the 24-hour range limit, retention &gt; 0.
/// </summary>
internal static class SessionRequestRules
{
    public const long MaxRangeMs = 24 * 3600 * 1000;

    public static string OneOf(string? value, string field, string fallback, params string[] allowed)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            throw RequestValidation.Invalid(value, field, "Member must satisfy enum value set: [" + string.Join(", ", allowed) + "]", $"the default is {fallback}");
        }

        return value;
    }

    public static int Expires(int? value)
    {
        int expires = value ?? 300;
        if (expires is < 300 or > 43200)
        {
            throw RequestValidation.Invalid(expires.ToString(CultureInfo.InvariantCulture), "Expires", "Member must have value between 300 and 43200", "seconds until the session URL stops working");
        }

        return expires;
    }

    public static int MaxResults(long? value, string field, string playbackMode)
    {
        long max = value ?? (playbackMode == "ON_DEMAND" ? 1000 : 5);
        if (max is < 1 or > 5000)
        {
            throw RequestValidation.Invalid(max.ToString(CultureInfo.InvariantCulture), field, "Member must have value between 1 and 5000", "fragments listed in one playlist or manifest");
        }

        return (int)max;
    }

    /// <summary>Selector type and range for a playback mode: LIVE takes no range; LIVE_REPLAY needs a start; ON_DEMAND a start and an end.</summary>
    public static (string Type, long? StartMs, long? EndMs) Range(ArchivedFragmentSelector? selector, string selectorField, string playbackMode)
    {
        string type = OneOf(selector?.FragmentSelectorType, selectorField + ".FragmentSelectorType", "SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP");
        ArchivedTimestampRange? range = selector?.TimestampRange;
        long? start = range?.StartTimestamp is { } s ? (long)Math.Round(s * 1000) : null;
        long? end = range?.EndTimestamp is { } e ? (long)Math.Round(e * 1000) : null;
        switch (playbackMode)
        {
            case "LIVE" when range is not null:
                throw ServiceError.InvalidArgument($"{selectorField}.TimestampRange must not be set when PlaybackMode is LIVE: LIVE always shows the newest fragments (use LIVE_REPLAY or ON_DEMAND for a time range).");
            case "LIVE_REPLAY" when start is null:
                throw ServiceError.InvalidArgument($"PlaybackMode LIVE_REPLAY needs {selectorField}.TimestampRange.StartTimestamp.");
            case "ON_DEMAND" when start is null || end is null:
                throw ServiceError.InvalidArgument($"PlaybackMode ON_DEMAND needs {selectorField}.TimestampRange with StartTimestamp and EndTimestamp.");
        }

        if (start is { } from && end is { } to)
        {
            if (to <= from)
            {
                throw ServiceError.InvalidArgument($"EndTimestamp ({to / 1000.0}) must be later than StartTimestamp ({from / 1000.0}).");
            }

            if (to - from > MaxRangeMs)
            {
                throw ServiceError.InvalidArgument($"The timestamp range is {(to - from) / 3600000.0:F1} hours; at most 24 hours are allowed.");
            }
        }

        return (type, start, end);
    }

    public static void RequireRetention(StoredStream stream)
    {
        if (stream.State.DataRetentionInHours == 0)
        {
            throw ServiceError.NoDataRetention($"Stream '{stream.State.Name}' keeps no data (DataRetentionInHours is 0): raise it with UpdateDataRetention to play it back.");
        }
    }
}
