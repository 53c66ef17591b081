using System.Globalization;
using System.Text;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// The HLS playlists (RFC 8216) of a session, with the service's resource names relative to
/// <c>/hls/v1/</c>: getHLSMediaPlaylist.m3u8, getMP4InitFragment.mp4, getMP4MediaFragment.mp4,
/// getTSFragment.ts, each carrying the SessionToken.
/// </summary>
internal static class HlsPlaylists
{
    public static string Master(string token, VideoTrack track, AudioTrack? audio, long bandwidth)
    {
        var text = new StringBuilder();
        text.Append("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-STREAM-INF:BANDWIDTH={Math.Max(1, bandwidth)},CODECS=\"{track.Rfc6381Codec}{(audio is null ? "" : "," + audio.Rfc6381Codec)}\"");
        if (track.Width > 0 && track.Height > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $",RESOLUTION={track.Width}x{track.Height}");
        }

        text.Append(CultureInfo.InvariantCulture, $"\ngetHLSMediaPlaylist.m3u8?SessionToken={token}&TrackNumber=1\n");
        return text.ToString();
    }

    public static string Media(StreamingSession session, string token, List<PlaylistEntry> entries, long mediaSequence, bool final)
    {
        bool mp4 = session.ContainerFormat == "FRAGMENTED_MP4";
        long target = entries.Count == 0 ? 2 : (long)Math.Ceiling(entries.Max(e => e.DurationMs) / 1000.0);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#EXTM3U\n#EXT-X-VERSION:{(mp4 ? 7 : 3)}\n#EXT-X-TARGETDURATION:{Math.Max(1, target)}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{mediaSequence}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-DISCONTINUITY-SEQUENCE:{(session.DiscontinuityMode == "ALWAYS" ? mediaSequence : 0)}\n");
        if (session.PlaybackMode == "ON_DEMAND")
        {
            text.Append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        }

        for (int i = 0; i < entries.Count; i++)
        {
            PlaylistEntry entry = entries[i];
            if (entry.Discontinuity)
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }

            if (mp4 && (i == 0 || entry.NewHeader))
            {
                // A new producer session may change resolution: its own initialization segment.
                text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken={token}&TrackNumber=1&FragmentNumber={entry.Fragment.Number}\"\n");
            }

            if (session.DisplayFragmentTimestamp)
            {
                DateTimeOffset start = DateTimeOffset.FromUnixTimeMilliseconds(session.TimeOf(entry.Fragment));
                text.Append(CultureInfo.InvariantCulture, $"#EXT-X-PROGRAM-DATE-TIME:{start:yyyy-MM-ddTHH:mm:ss.fffZ}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{entry.DurationMs / 1000.0:0.000},\n");
            text.Append(mp4 ? "getMP4MediaFragment.mp4" : "getTSFragment.ts");
            text.Append(CultureInfo.InvariantCulture, $"?FragmentNumber={entry.Fragment.Number}&SessionToken={token}&TrackNumber=1\n");
        }

        if (final)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }

        return text.ToString();
    }
}
