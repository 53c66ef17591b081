using System.Globalization;
using System.Text;
using KvsProducer.LocalEndpoint.Internal.ControlPlane;
using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Live;
using KvsProducer.LocalEndpoint.Internal.Storage;
using Microsoft.AspNetCore.Http;

namespace KvsProducer.LocalEndpoint.Internal.ReadBack;

/// <summary>
/// The consumer APIs of: ListFragments, GetMedia (all six start selectors,
/// then follows live fragments until the client leaves) and GetMediaForFragmentList.
/// </summary>
internal sealed class ReadBackApi
{
    private readonly ControlPlaneApi _api;
    private readonly TimeProvider _time;
    private readonly CancellationToken _shutdown;

    public ReadBackApi(ControlPlaneApi api, TimeProvider time, CancellationToken shutdown)
    {
        _api = api;
        _time = time;
        _shutdown = shutdown;
    }

    public static bool Handles(string path) => path is "/listFragments" or "/getMedia" or "/getMediaForFragmentList";

    public byte[] ListFragments(ReadOnlySpan<byte> body)
    {
        ListFragmentsRequest request = ControlPlaneApi.Read(body, LocalKvsJsonContext.Default.ListFragmentsRequest);
        long max = request.MaxResults ?? 1000;
        if (max is < 1 or > 1000)
        {
            throw ServiceError.InvalidArgument($"1 validation error detected: Value '{max}' at 'MaxResults' failed to satisfy constraint: Member must have value between 1 and 1000.");
        }

        StoredStream stream = _api.Resolve(request.StreamName, request.StreamARN);
        int start = 0;
        FragmentSelector? selector = request.FragmentSelector;
        if (request.NextToken is not null)
        {
            RequestValidation.ArchivedNextToken(request.NextToken);
            (start, selector) = DecodeToken(request.NextToken);
        }

        Func<FragmentRecord, bool> filter = _ => true;
        if (selector is not null)
        {
            if (selector.TimestampRange is not { StartTimestamp: { } from, EndTimestamp: { } to })
            {
                throw ServiceError.InvalidArgument("FragmentSelector.TimestampRange needs StartTimestamp and EndTimestamp (epoch seconds).");
            }

            long fromMs = (long)Math.Round(from * 1000), toMs = (long)Math.Round(to * 1000);
            filter = selector.FragmentSelectorType switch
            {
                "PRODUCER_TIMESTAMP" => f => f.ProducerTimestampMs >= fromMs && f.ProducerTimestampMs <= toMs,
                "SERVER_TIMESTAMP" => f => f.ServerTimestampMs >= fromMs && f.ServerTimestampMs <= toMs,
                _ => throw ServiceError.InvalidArgument($"FragmentSelectorType '{selector.FragmentSelectorType}' is not PRODUCER_TIMESTAMP or SERVER_TIMESTAMP."),
            };
        }

        FragmentRecord[] all = stream.Fragments.Snapshot();
        var page = new List<FragmentInfo>();
        string? next = null;
        for (int i = start; i < all.Length; i++)
        {
            if (!filter(all[i]))
            {
                continue;
            }

            if (page.Count == max)
            {
                next = EncodeToken(i, selector);
                break;
            }

            page.Add(new FragmentInfo
            {
                FragmentNumber = all[i].Number,
                FragmentSizeInBytes = all[i].SizeBytes,
                ProducerTimestamp = all[i].ProducerTimestampMs / 1000.0,
                ServerTimestamp = all[i].ServerTimestampMs / 1000.0,
                FragmentLengthInMilliseconds = all[i].DurationMs,
            });
        }

        return ControlPlaneApi.Serialize(new ListFragmentsResponse { Fragments = page, NextToken = next }, LocalKvsJsonContext.Default.ListFragmentsResponse);
    }

    public async Task GetMediaAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        GetMediaRequest request = ControlPlaneApi.Read(body.Span, LocalKvsJsonContext.Default.GetMediaRequest);
        StoredStream stream = _api.Resolve(request.StreamName, request.StreamARN);
        StartSelector selector = request.StartSelector ?? throw RequestValidation.Missing("StartSelector");
        FragmentRecord[] existing = stream.Fragments.Snapshot();
        // Where to begin: an index into the archived fragments, then the live buffer after a
        // fragment number (or, before anything was sent, after a live-buffer sequence).
        int index = existing.Length;
        string? lastSent = null;
        long liveAfter = long.MinValue;
        switch (selector.StartSelectorType)
        {
            case "EARLIEST":
                index = 0;
                break;
            case "NOW":
                // GetMedia StartSelectorType NOW: "the latest chunk" (API_dataplane_GetMedia): the fragment being received, from its start.
                liveAfter = stream.Live.NowSequence();
                break;
            case "FRAGMENT_NUMBER":
                lastSent = RequestValidation.FragmentNumber(selector.AfterFragmentNumber, "StartSelector.AfterFragmentNumber");
                index = After(stream, existing, lastSent);
                break;
            case "CONTINUATION_TOKEN":
                lastSent = RequestValidation.ContinuationToken(selector.ContinuationToken);
                index = After(stream, existing, lastSent);
                break;
            case "PRODUCER_TIMESTAMP":
                index = Containing(existing, selector.StartTimestamp, f => f.ProducerTimestampMs);
                lastSent = index > 0 ? existing[index - 1].Number : null;
                break;
            case "SERVER_TIMESTAMP":
                index = Containing(existing, selector.StartTimestamp, f => f.ServerTimestampMs);
                lastSent = index > 0 ? existing[index - 1].Number : null;
                break;
            case null:
                throw RequestValidation.Missing("StartSelector.StartSelectorType");
            default:
                throw RequestValidation.Invalid(selector.StartSelectorType, "StartSelector.StartSelectorType", "Member must satisfy enum value set: [FRAGMENT_NUMBER, SERVER_TIMESTAMP, PRODUCER_TIMESTAMP, NOW, EARLIEST, CONTINUATION_TOKEN]", "use EARLIEST to read from the start");
        }

        // Issue 10: status line and headers go out at once, even when no fragment exists yet, so
        // clients (awscli, boto3, the JS SDK) see the response start instead of timing out.
        context.Response.StatusCode = 200;
        context.Response.ContentType = "video/webm";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown);
        CancellationToken cancellationToken = linked.Token;
        byte[] buffer = new byte[64 * 1024];
        try
        {
            // Archived chunks in fragment-number order first...
            if (selector.StartSelectorType != "NOW")
            {
                while (index < existing.Length && !cancellationToken.IsCancellationRequested)
                {
                    await MediaChunkWriter.WriteAsync(context.Response.Body, stream.Fragments, existing[index], NowMs(), cancellationToken).ConfigureAwait(false);
                    lastSent = existing[index].Number;
                    index++;
                    if (index == existing.Length)
                    {
                        existing = stream.Fragments.Snapshot();
                    }
                }
            }

            // ...then the live buffer: each later fragment as it arrives, frames as they come in.
            while (!cancellationToken.IsCancellationRequested && !stream.Deleted)
            {
                LiveFragment? next = lastSent is null ? stream.Live.FirstAfter(liveAfter) : stream.Live.FirstAfter(lastSent);
                if (next is null)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await LiveTail.WriteAsync(context.Response.Body, next, buffer, NowMs, cancellationToken).ConfigureAwait(false);
                lastSent = next.Number;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }

    public async Task GetMediaForFragmentListAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        GetMediaForFragmentListRequest request = ControlPlaneApi.Read(body.Span, LocalKvsJsonContext.Default.GetMediaForFragmentListRequest);
        StoredStream stream = _api.Resolve(request.StreamName, request.StreamARN);
        List<string> numbers = request.Fragments ?? throw RequestValidation.Missing("Fragments");
        if (numbers.Count is < 1 or > 1000)
        {
            throw ServiceError.InvalidArgument($"1 validation error detected: Value at 'Fragments' failed to satisfy constraint: Member must have length between 1 and 1000 (got {numbers.Count}).");
        }

        Dictionary<string, FragmentRecord> byNumber = stream.Fragments.Snapshot().ToDictionary(f => f.Number, StringComparer.Ordinal);
        var selected = new List<FragmentRecord>(numbers.Count);
        foreach (string number in numbers)
        {
            RequestValidation.FragmentNumber(number, "Fragments.member");
            selected.Add(byNumber.GetValueOrDefault(number)
                ?? throw ServiceError.ResourceNotFound($"Fragment '{number}' is not in stream '{stream.State.Name}': take numbers from ListFragments."));
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "video/webm";
        foreach (FragmentRecord fragment in selected)
        {
            await MediaChunkWriter.WriteAsync(context.Response.Body, stream.Fragments, fragment, _time.GetUtcNow().ToUnixTimeMilliseconds(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // An archived fragment, or one still in the live buffer (retention 0 keeps nothing archived).
    private static int After(StoredStream stream, FragmentRecord[] fragments, string number)
    {
        int i = Array.FindIndex(fragments, f => f.Number == number);
        if (i >= 0)
        {
            return i + 1;
        }

        if (stream.Live.Find(number) is not null)
        {
            return fragments.Length;
        }

        throw ServiceError.ResourceNotFound($"Fragment '{number}' is not in the stream: take a number from ListFragments or a previous GetMedia.");
    }

    private static int Containing(FragmentRecord[] fragments, double? startTimestamp, Func<FragmentRecord, long> timestamp)
    {
        long startMs = (long)Math.Round((startTimestamp ?? throw RequestValidation.Missing("StartSelector.StartTimestamp")) * 1000);
        // The chunk containing that time, else the first one after it.
        int i = Array.FindIndex(fragments, f => timestamp(f) + f.DurationMs >= startMs);
        return i < 0 ? fragments.Length : i;
    }

    private static string EncodeToken(int index, FragmentSelector? selector)
    {
        string text = selector?.TimestampRange is { } range
            ? string.Create(CultureInfo.InvariantCulture, $"{index}|{selector.FragmentSelectorType}|{range.StartTimestamp}|{range.EndTimestamp}")
            : index.ToString(CultureInfo.InvariantCulture);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
    }

    private static (int Index, FragmentSelector? Selector) DecodeToken(string token)
    {
        try
        {
            string[] parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|');
            int index = int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
            if (parts.Length == 1)
            {
                return (index, null);
            }

            return (index, new FragmentSelector
            {
                FragmentSelectorType = parts[1],
                TimestampRange = new TimestampRange
                {
                    StartTimestamp = double.Parse(parts[2], CultureInfo.InvariantCulture),
                    EndTimestamp = double.Parse(parts[3], CultureInfo.InvariantCulture),
                },
            });
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw ServiceError.InvalidArgument($"NextToken '{token}' was not issued by this endpoint: pass the NextToken of the previous page unchanged.");
        }
    }
}
