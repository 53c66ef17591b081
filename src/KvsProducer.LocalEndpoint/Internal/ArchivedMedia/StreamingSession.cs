using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Storage;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// What a GetHLSStreamingSessionURL / GetDASHStreamingSessionURL call fixed: the stream, the
/// playback mode and time range, the container and playlist options, and when the session token
/// stops working. Playlists are computed from it on every request (LIVE playlists move).
/// </summary>
internal sealed class StreamingSession
{
    public required StoredStream Stream { get; init; }

    public required string PlaybackMode { get; init; }

    /// <summary>PRODUCER_TIMESTAMP or SERVER_TIMESTAMP.</summary>
    public required string SelectorType { get; init; }

    public long? StartMs { get; init; }

    public long? EndMs { get; init; }

    /// <summary>FRAGMENTED_MP4 or MPEG_TS (DASH sessions are always FRAGMENTED_MP4).</summary>
    public string ContainerFormat { get; init; } = "FRAGMENTED_MP4";

    public string DiscontinuityMode { get; init; } = "ALWAYS";

    public bool DisplayFragmentTimestamp { get; init; }

    public bool DisplayFragmentNumber { get; init; }

    public required int MaxFragments { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public long TimeOf(FragmentRecord fragment) => SelectorType == "PRODUCER_TIMESTAMP" ? fragment.ProducerTimestampMs : fragment.ServerTimestampMs;

    /// <summary>
    /// The fragments the playlist lists now, and whether the list is final (ENDLIST / static MPD).
    /// LIVE: the newest <see cref="MaxFragments"/>. LIVE_REPLAY: from the start time on (to the
    /// end time if given), growing as fragments arrive. ON_DEMAND: the first MaxFragments in range.
    /// Producer timestamps are deduplicated (first ingested wins), as HLSFragmentSelector documents.
    /// </summary>
    public (List<FragmentRecord> Fragments, int FirstIndex, bool Final) Select(FragmentRecord[] all)
    {
        var seen = new HashSet<long>();
        var selected = new List<(FragmentRecord Fragment, int Index)>();
        for (int i = 0; i < all.Length; i++)
        {
            long time = TimeOf(all[i]);
            if (SelectorType == "PRODUCER_TIMESTAMP" && !seen.Add(time))
            {
                continue;
            }

            if (StartMs is { } start && time + all[i].DurationMs < start)
            {
                continue;
            }

            if (EndMs is { } end && time > end)
            {
                continue;
            }

            selected.Add((all[i], i));
        }

        bool final = PlaybackMode == "ON_DEMAND"
            || (PlaybackMode == "LIVE_REPLAY" && EndMs is { } until && all.Length > 0 && TimeOf(all[^1]) >= until);
        IEnumerable<(FragmentRecord Fragment, int Index)> window = PlaybackMode == "LIVE"
            ? selected.Skip(Math.Max(0, selected.Count - MaxFragments))
            : selected.Take(PlaybackMode == "ON_DEMAND" ? MaxFragments : 5000);
        var list = window.ToList();
        return ([.. list.Select(w => w.Fragment)], list.Count == 0 ? all.Length : list[0].Index, final);
    }
}
