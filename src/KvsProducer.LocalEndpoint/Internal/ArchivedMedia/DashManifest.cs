using System.Globalization;
using System.Security;
using System.Text;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// The MPEG-DASH manifest (ISO/IEC 23009-1) of a session: one video Representation whose
/// SegmentList names getMP4InitFragment.mp4 and one getMP4MediaFragment.mp4 per fragment, and the mean fragment duration (FFmpeg's DASH reader
/// plays one segment less when SegmentList carries a SegmentTimeline, so none is written). ON_DEMAND is a static MPD; LIVE and LIVE_REPLAY
/// are dynamic and re-fetched (minimumUpdatePeriod).
/// </summary>
internal static class DashManifest
{
    public static string Build(StreamingSession session, string token, VideoTrack track, List<PlaylistEntry> entries, long bandwidth, bool final, DateTimeOffset now)
    {
        bool isStatic = final;
        long total = entries.Sum(e => e.DurationMs);
        long firstMs = entries.Count == 0 ? 0 : entries[0].Fragment.ProducerTimestampMs;
        var text = new StringBuilder();
        text.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        text.Append("<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" profiles=\"urn:mpeg:dash:profile:isoff-live:2011\" minBufferTime=\"PT2S\"");
        if (isStatic)
        {
            text.Append(CultureInfo.InvariantCulture, $" type=\"static\" mediaPresentationDuration=\"{Duration(total)}\">\n");
        }
        else
        {
            DateTimeOffset availability = DateTimeOffset.FromUnixTimeMilliseconds(firstMs == 0 ? now.ToUnixTimeMilliseconds() : firstMs);
            text.Append(CultureInfo.InvariantCulture, $" type=\"dynamic\" availabilityStartTime=\"{availability:yyyy-MM-ddTHH:mm:ss.fffZ}\" publishTime=\"{now:yyyy-MM-ddTHH:mm:ss.fffZ}\" minimumUpdatePeriod=\"PT1S\" timeShiftBufferDepth=\"{Duration(Math.Max(total, 1000))}\" suggestedPresentationDelay=\"PT2S\">\n");
        }

        text.Append("  <Period id=\"0\" start=\"PT0S\">\n");
        text.Append("    <AdaptationSet mimeType=\"video/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\">\n");
        text.Append(CultureInfo.InvariantCulture, $"      <Representation id=\"1\" codecs=\"{track.Rfc6381Codec}\" bandwidth=\"{Math.Max(1, bandwidth)}\" width=\"{track.Width}\" height=\"{track.Height}\">\n");
        text.Append(CultureInfo.InvariantCulture, $"        <SegmentList timescale=\"{Mp4Writer.Timescale}\" presentationTimeOffset=\"{firstMs}\" duration=\"{(entries.Count == 0 ? 1000 : total / entries.Count)}\">\n");
        string escapedToken = SecurityElement.Escape(token);
        text.Append(CultureInfo.InvariantCulture, $"          <Initialization sourceURL=\"getMP4InitFragment.mp4?SessionToken={escapedToken}&amp;TrackNumber=1{(entries.Count > 0 ? "&amp;FragmentNumber=" + entries[0].Fragment.Number : "")}\"/>\n");
        foreach (PlaylistEntry entry in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"          <SegmentURL media=\"getMP4MediaFragment.mp4?FragmentNumber={entry.Fragment.Number}&amp;SessionToken={escapedToken}&amp;TrackNumber=1\"/>\n");
        }

        text.Append("        </SegmentList>\n      </Representation>\n    </AdaptationSet>\n  </Period>\n</MPD>\n");
        return text.ToString();
    }

    private static string Duration(long ms) => string.Create(CultureInfo.InvariantCulture, $"PT{ms / 1000.0:0.000}S");
}
