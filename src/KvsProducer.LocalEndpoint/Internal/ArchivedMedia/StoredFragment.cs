using KvsProducer.LocalEndpoint.Internal.Json;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>A stored fragment read back for remuxing: its index record, video track and video frames.</summary>
internal sealed class StoredFragment
{
    public StoredFragment(FragmentRecord record, VideoTrack track, List<MediaFrame> frames, AudioTrack? audio = null, List<MediaFrame>? audioFrames = null)
    {
        Record = record;
        Track = track;
        Frames = frames;
        Audio = audio;
        AudioFrames = audioFrames ?? [];
    }

    /// <summary>The AAC track, when the stream has one (a fragment may still carry no audio frames).</summary>
    public AudioTrack? Audio { get; }

    /// <summary>AAC frames in the order PutMedia sent them (raw access units, no ADTS).</summary>
    public List<MediaFrame> AudioFrames { get; }

    public FragmentRecord Record { get; }

    public VideoTrack Track { get; }

    /// <summary>Video frames in decoding order (the order PutMedia sent them).</summary>
    public List<MediaFrame> Frames { get; }

    /// <summary>
    /// Each frame's duration in milliseconds: the gap to the next presentation time; the last
    /// frame gets the median gap (a fragment carries no duration for its last frame).
    /// </summary>
    public long[] FrameDurationsMs()
    {
        long[] times = [.. Frames.Select(f => f.TimeMs).Order()];
        var durations = new long[Frames.Count];
        var gaps = new List<long>();
        for (int i = 0; i + 1 < times.Length; i++)
        {
            gaps.Add(Math.Max(1, times[i + 1] - times[i]));
        }

        gaps.Sort();
        long typical = gaps.Count == 0 ? 33 : gaps[gaps.Count / 2];
        // Durations are assigned in decoding order from the sorted presentation times: the sum is the
        // fragment's span either way, and decoding-time deltas are what MP4 'trun' stores.
        for (int i = 0; i < durations.Length; i++)
        {
            durations[i] = i < gaps.Count ? gaps[i] : typical;
        }

        return durations;
    }

    /// <summary>
    /// Decoding times (ms) for the frames: the sorted presentation times shifted back by the
    /// largest reordering delay, so every composition offset is ≥ 0 (ISO/IEC 14496-12 §8.6.1.3).
    /// </summary>
    public long[] DecodingTimesMs()
    {
        long[] sorted = [.. Frames.Select(f => f.TimeMs).Order()];
        long delay = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            delay = Math.Max(delay, sorted[i] - Frames[i].TimeMs);
        }

        return [.. sorted.Select(t => t - delay)];
    }

    public long StartMs => Frames.Count == 0 ? 0 : Frames.Min(f => f.TimeMs);
}
