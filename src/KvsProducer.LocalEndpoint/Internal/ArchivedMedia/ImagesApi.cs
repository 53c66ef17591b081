using System.Globalization;
using KvsProducer.LocalEndpoint.Internal.ControlPlane;
using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Storage;
using KvsProducer.Media.Internal;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// GetImages: one still per SamplingInterval over [StartTimestamp, EndTimestamp], decoded from the
/// stored H.264 through libkvsmedia (FFmpeg) and encoded as JPEG or PNG, base64 in the JSON answer.
/// A sample time with no fragment gets Error NO_MEDIA; a fragment that does not decode, MEDIA_ERROR.
/// </summary>
internal sealed class ImagesApi
{
    // API reference: SamplingInterval at least 200 ms; WidthPixels 1–3840, HeightPixels 1–2160;
    // MaxResults 1–100 (25 by default); at most 300 s between start and end (inferred from the
    // service's documented limit for GetImages requests).
    private const long MinSamplingMs = 200, MaxSamplingMs = 20_000, MaxRangeMs = 300_000;
    private readonly ControlPlaneApi _api;

    public ImagesApi(ControlPlaneApi api) => _api = api;

    public async Task<GetImagesResponse> GetImagesAsync(GetImagesRequest request, CancellationToken cancellationToken)
    {
        StoredStream stream = _api.Resolve(request.StreamName, request.StreamARN);
        string type = request.ImageSelectorType ?? throw RequestValidation.Missing("ImageSelectorType");
        SessionRequestRules.OneOf(type, "ImageSelectorType", "SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP");
        long start = Ms(request.StartTimestamp ?? throw RequestValidation.Missing("StartTimestamp"));
        long end = Ms(request.EndTimestamp ?? throw RequestValidation.Missing("EndTimestamp"));
        string format = SessionRequestRules.OneOf(request.Format ?? throw RequestValidation.Missing("Format"), "Format", "JPEG", "JPEG", "PNG");
        long interval = request.SamplingInterval ?? throw RequestValidation.Missing("SamplingInterval");
        if (interval is < MinSamplingMs or > MaxSamplingMs)
        {
            throw RequestValidation.Invalid(interval.ToString(CultureInfo.InvariantCulture), "SamplingInterval", $"Member must have value between {MinSamplingMs} and {MaxSamplingMs}", "milliseconds between images");
        }

        if (end < start)
        {
            throw ServiceError.InvalidArgument($"EndTimestamp ({end / 1000.0}) is before StartTimestamp ({start / 1000.0}).");
        }

        if (end - start > MaxRangeMs)
        {
            throw ServiceError.InvalidArgument($"The range is {(end - start) / 1000.0} s; GetImages covers at most {MaxRangeMs / 1000} s per request.");
        }

        int width = Pixels(request.WidthPixels, "WidthPixels", 3840);
        int height = Pixels(request.HeightPixels, "HeightPixels", 2160);
        int quality = Quality(request.FormatConfig, format);
        long max = request.MaxResults ?? 25;
        if (max is < 1 or > 100)
        {
            throw RequestValidation.Invalid(max.ToString(CultureInfo.InvariantCulture), "MaxResults", "Member must have value between 1 and 100", "images per page");
        }

        SessionRequestRules.RequireRetention(stream);
        long first = request.NextToken is null ? 0 : Token(request.NextToken);
        long samples = ((end - start) / interval) + 1;
        var session = new StreamingSession { Stream = stream, PlaybackMode = "ON_DEMAND", SelectorType = type, MaxFragments = int.MaxValue, ExpiresAt = DateTimeOffset.MaxValue };
        FragmentRecord[] fragments = stream.Fragments.Snapshot();
        var response = new GetImagesResponse();
        for (long i = first; i < samples && response.Images.Count < max; i++)
        {
            long at = start + (i * interval);
            response.Images.Add(await ImageAtAsync(session, fragments, at, format == "PNG", width, height, quality, cancellationToken).ConfigureAwait(false));
        }

        long next = first + response.Images.Count;
        response.NextToken = next < samples ? Convert.ToBase64String(BitConverter.GetBytes(next)) : null;
        return response;
    }

    private static async Task<ImageResult> ImageAtAsync(StreamingSession session, FragmentRecord[] fragments, long at, bool png, int width, int height, int quality, CancellationToken cancellationToken)
    {
        var result = new ImageResult { TimeStamp = at / 1000.0 };
        // The fragment holding the sample time: started at or before it, and not over yet
        // (its span plus one frame's worth of tolerance, the last frame's own duration).
        FragmentRecord? holder = fragments.LastOrDefault(f => session.TimeOf(f) <= at && at <= session.TimeOf(f) + f.DurationMs + 100);
        if (holder is null)
        {
            result.Error = "NO_MEDIA";
            return result;
        }

        try
        {
            StoredFragment fragment = await StoredFragmentReader.ReadAsync(session.Stream.Fragments, holder, cancellationToken).ConfigureAwait(false);
            long target = fragment.StartMs + (at - session.TimeOf(holder));
            int last = fragment.Frames.FindLastIndex(f => f.TimeMs <= target);
            last = last < 0 ? 0 : last;
            using StillImageDecoder decoder = StillImageDecoder.Open(fragment.Track.CodecPrivate);
            byte[]? image = null;
            for (int i = 0; i <= last; i++)
            {
                image = decoder.Decode(fragment.Frames[i].Data.Span, i == last ? Request(fragment.Track, png, width, height, quality) : null);
            }

            if (image is null)
            {
                result.Error = "MEDIA_ERROR";
                return result;
            }

            result.ImageContent = Convert.ToBase64String(image);
        }
        catch (Exception e) when (e is InvalidDataException or ServiceError)
        {
            result.Error = "MEDIA_ERROR";
        }

        return result;
    }

    // One of width/height given: the other keeps the picture's aspect ratio (API reference).
    private static StillImageRequest Request(VideoTrack track, bool png, int width, int height, int quality)
    {
        (int pictureWidth, int pictureHeight) = (track.Width, track.Height);
        if (pictureWidth > 0 && pictureHeight > 0)
        {
            if (width > 0 && height == 0)
            {
                height = Math.Max(2, (int)Math.Round(width * (double)pictureHeight / pictureWidth / 2) * 2);
            }
            else if (height > 0 && width == 0)
            {
                width = Math.Max(2, (int)Math.Round(height * (double)pictureWidth / pictureHeight / 2) * 2);
            }
        }

        return new StillImageRequest(png, width, height, quality);
    }

    private static int Pixels(int? value, string field, int max)
    {
        if (value is { } v && (v < 1 || v > max))
        {
            throw RequestValidation.Invalid(v.ToString(CultureInfo.InvariantCulture), field, $"Member must have value between 1 and {max}", "pixels");
        }

        return value ?? 0;
    }

    private static int Quality(Dictionary<string, string>? config, string format)
    {
        if (config is null || !config.TryGetValue("JPEGQuality", out string? text))
        {
            return 80;
        }

        if (format != "JPEG")
        {
            throw ServiceError.InvalidArgument("FormatConfig JPEGQuality applies to Format JPEG only.");
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int quality) || quality is < 1 or > 100)
        {
            throw RequestValidation.Invalid(text, "FormatConfig.JPEGQuality", "Member must be an integer between 1 and 100", "JPEG quality");
        }

        return quality;
    }

    private static long Token(string token)
    {
        try
        {
            byte[] bytes = Convert.FromBase64String(token);
            return bytes.Length == 8 ? BitConverter.ToInt64(bytes) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw ServiceError.InvalidArgument($"NextToken '{token}' was not issued by this endpoint: pass the previous page's NextToken unchanged.");
        }
    }

    private static long Ms(double seconds) => (long)Math.Round(seconds * 1000);
}
