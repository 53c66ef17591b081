using KvsProducer.LocalEndpoint.Internal.Json;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>Durations and discontinuities of the fragments a session lists.</summary>
internal static class PlaylistEntries
{
    // A gap of more than this between one fragment's end and the next one's start counts as a
    // discontinuity in ON_DISCONTINUITY mode (inferred: the service documents no threshold).
    private const long GapToleranceMs = 200;

    public static List<PlaylistEntry> Build(StreamingSession session, List<FragmentRecord> fragments)
    {
        var entries = new List<PlaylistEntry>(fragments.Count);
        for (int i = 0; i < fragments.Count; i++)
        {
            FragmentRecord fragment = fragments[i];
            // A fragment's stored duration spans first to last frame; the next fragment's start
            // closes the last frame. The newest fragment gets its span plus one typical frame.
            long duration = i + 1 < fragments.Count && fragments[i + 1].HeaderFile == fragment.HeaderFile
                ? Math.Max(1, fragments[i + 1].ProducerTimestampMs - fragment.ProducerTimestampMs)
                : fragment.DurationMs + FrameGuessMs(fragment);
            bool newHeader = i == 0 || fragments[i - 1].HeaderFile != fragment.HeaderFile;
            bool discontinuity = session.DiscontinuityMode switch
            {
                "ALWAYS" => i > 0,
                "ON_DISCONTINUITY" => i > 0 && (newHeader || fragment.ProducerTimestampMs - (fragments[i - 1].ProducerTimestampMs + entries[i - 1].DurationMs) > GapToleranceMs),
                _ => false,
            };
            entries.Add(new PlaylistEntry(fragment, duration, discontinuity, newHeader));
        }

        return entries;
    }

    private static long FrameGuessMs(FragmentRecord fragment) => fragment.DurationMs > 0 ? Math.Clamp(fragment.DurationMs / 24, 10, 100) : 40;
}
