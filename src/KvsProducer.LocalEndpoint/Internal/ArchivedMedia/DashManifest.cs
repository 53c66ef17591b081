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
    public static string Build(StreamingSession session, string token, VideoTrack track, AudioTrack? audio, List<PlaylistEntry> entries, long bandwidth, bool final, DateTimeOffset now)
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
        string escapedToken = SecurityElement.Escape(token);
        text.Append("    <AdaptationSet mimeType=\"video/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\">\n");
        text.Append(CultureInfo.InvariantCulture, $"      <Representation id=\"1\" codecs=\"{track.Rfc6381Codec}\" bandwidth=\"{Math.Max(1, bandwidth)}\" width=\"{track.Width}\" height=\"{track.Height}\">\n");
        Segments(text, escapedToken, entries, firstMs, total, trackNumber: 1, timescale: Mp4Writer.Timescale);
        text.Append("      </Representation>\n    </AdaptationSet>\n");
        if (audio is not null)
        {
            // The AAC track as its own adaptation set (ISO/IEC 23009-1 §5.3.3): its segments carry track 2 only
            // (TrackNumber=2), timed on the sampling-rate timescale of its mdhd.
            text.Append(CultureInfo.InvariantCulture, $"    <AdaptationSet mimeType=\"audio/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\">\n");
            text.Append(CultureInfo.InvariantCulture, $"      <Representation id=\"2\" codecs=\"{audio.Rfc6381Codec}\" bandwidth=\"128000\" audioSamplingRate=\"{audio.SampleRate}\">\n");
            text.Append(CultureInfo.InvariantCulture, $"        <AudioChannelConfiguration schemeIdUri=\"urn:mpeg:dash:23003:3:audio_channel_configuration:2011\" value=\"{audio.Channels}\"/>\n");
            Segments(text, escapedToken, entries, firstMs * audio.SampleRate / 1000, total * audio.SampleRate / 1000, trackNumber: 2, timescale: audio.SampleRate);
            text.Append("      </Representation>\n    </AdaptationSet>\n");
        }

        text.Append("  </Period>\n</MPD>\n");
        return text.ToString();
    }

    private static void Segments(StringBuilder text, string escapedToken, List<PlaylistEntry> entries, long offset, long total, int trackNumber, int timescale)
    {
        text.Append(CultureInfo.InvariantCulture, $"        <SegmentList timescale=\"{timescale}\" presentationTimeOffset=\"{offset}\" duration=\"{(entries.Count == 0 ? timescale : total / entries.Count)}\">\n");
        text.Append(CultureInfo.InvariantCulture, $"          <Initialization sourceURL=\"getMP4InitFragment.mp4?SessionToken={escapedToken}&amp;TrackNumber={trackNumber}{(entries.Count > 0 ? "&amp;FragmentNumber=" + entries[0].Fragment.Number : "")}\"/>\n");
        foreach (PlaylistEntry entry in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"          <SegmentURL media=\"getMP4MediaFragment.mp4?FragmentNumber={entry.Fragment.Number}&amp;SessionToken={escapedToken}&amp;TrackNumber={trackNumber}\"/>\n");
        }

        text.Append("        </SegmentList>\n");
    }

    private static string Duration(long ms) => string.Create(CultureInfo.InvariantCulture, $"PT{ms / 1000.0:0.000}S");
}
