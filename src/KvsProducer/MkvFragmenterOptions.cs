namespace KvsProducer;

/// <summary>How frames become Kinesis Video Streams MKV. Validated by <see cref="Validate"/> when a fragmenter is created.</summary>
public sealed record MkvFragmenterOptions
{
    /// <summary>The most tracks a Kinesis Video stream takes.</summary>
    public const int MaxTracks = 3;

    /// <summary>The stream's tracks: at most one video track (H.264 or H.265), audio and data tracks, 3 in all.</summary>
    public IReadOnlyList<TrackDefinition> Tracks { get; init; } = [TrackDefinition.H264Video()];

    /// <summary>Target fragment duration; with <see cref="KeyFrameFragmentation"/> off, a fragment ends at the first key frame after it.</summary>
    public TimeSpan FragmentDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Start a fragment at every key frame (the official SDKs' default).</summary>
    public bool KeyFrameFragmentation { get; init; } = true;

    /// <summary>MKV TimecodeScale: the unit of cluster and block timecodes, 100 ns to 1 s, Default 1 ms.</summary>
    public TimeSpan TimecodeScale { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Absolute (frame timestamps as they are) or relative (to the first frame) cluster timecodes.</summary>
    public FragmentTimecodes Timecodes { get; init; } = FragmentTimecodes.Absolute;

    /// <summary>The 16-byte MKV SegmentUID; empty = random. Keep it across sessions of one stream.</summary>
    public ReadOnlyMemory<byte> SegmentUid { get; init; }

    /// <summary>MKV Title.</summary>
    public string Title { get; init; } = "KvsProducer";

    /// <summary>
    /// Write the stream header into the output before the first cluster (for files). False: the header
    /// is only exposed through <see cref="MkvFragmenter.Header"/>, for a buffer that replays it at the
    /// start of every session.
    /// </summary>
    public bool WriteHeader { get; init; } = true;

    /// <summary>Largest frame accepted, in bytes (default 16 MiB).</summary>
    public int MaxFrameSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest fragment, in bytes: the service refuses bigger ones (ErrorId 4001).</summary>
    public long MaxFragmentSize { get; init; } = 50L * 1000 * 1000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option, its value and the allowed range.</summary>
    public void Validate()
    {
        if (Tracks is null || Tracks.Count is < 1 or > MaxTracks)
        {
            throw new ArgumentException($"Tracks has {Tracks?.Count ?? 0} entries: use 1 to {MaxTracks} (the service's limit).", nameof(Tracks));
        }

        if (Tracks.Count(t => t.Kind == TrackKind.Video) > 1)
        {
            throw new ArgumentException("Tracks declares more than one video track: use at most one (fragments start at its key frames).", nameof(Tracks));
        }

        if (Tracks.Select(t => t.TrackNumber).Distinct().Count() != Tracks.Count || Tracks.Select(t => t.TrackUid).Distinct().Count() != Tracks.Count)
        {
            throw new ArgumentException($"Tracks repeat a TrackNumber or TrackUid ({string.Join(", ", Tracks.Select(t => $"{t.TrackNumber}/{t.TrackUid}"))}): give each track its own.", nameof(Tracks));
        }

        foreach (var track in Tracks)
        {
            track.Validate();
        }

        if (TimecodeScale < TimeSpan.FromTicks(1) || TimecodeScale > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"TimecodeScale {TimecodeScale} is out of range: use 100 ns to 1 s (1 ms is the default).", nameof(TimecodeScale));
        }

        if (FragmentDuration < TimeSpan.FromSeconds(1) || FragmentDuration > TimeSpan.FromSeconds(30))
        {
            throw new ArgumentException($"FragmentDuration {FragmentDuration.TotalSeconds:0.###} s is out of range: use 1 to 30 s (2 s is the default; the service refuses fragments over 10 s).", nameof(FragmentDuration));
        }

        // Block timecodes are int16 offsets from the cluster, so the scale bounds
        // how long a cluster can last; below FragmentDuration every frame would end up in its own fragment.
        if (TimecodeScale.Ticks * short.MaxValue < FragmentDuration.Ticks)
        {
            throw new ArgumentException(
                $"TimecodeScale {TimecodeScale.TotalMilliseconds:0.####} ms lets a fragment span only {TimecodeScale.TotalMilliseconds * short.MaxValue:0.###} ms (blocks carry 16-bit offsets), less than FragmentDuration {FragmentDuration.TotalSeconds:0.###} s: use a TimecodeScale of at least {Math.Ceiling(FragmentDuration.TotalMicroseconds / short.MaxValue)} µs (1 ms is the default).",
                nameof(TimecodeScale));
        }

        if (!SegmentUid.IsEmpty && SegmentUid.Length != 16)
        {
            throw new ArgumentException($"SegmentUid has {SegmentUid.Length} bytes: use exactly 16, or leave it empty for a random one.", nameof(SegmentUid));
        }

        if (MaxFrameSize < 1 || MaxFrameSize > Mkv.MkvClusterWriter.MaxBlockPayload)
        {
            throw new ArgumentException($"MaxFrameSize {MaxFrameSize} is out of range: use 1 to {Mkv.MkvClusterWriter.MaxBlockPayload} bytes.", nameof(MaxFrameSize));
        }

        if (MaxFragmentSize < MaxFrameSize)
        {
            throw new ArgumentException($"MaxFragmentSize {MaxFragmentSize} is smaller than MaxFrameSize {MaxFrameSize}: a fragment must hold at least one frame.", nameof(MaxFragmentSize));
        }

        if (System.Text.Encoding.UTF8.GetByteCount(Title) > 256)
        {
            throw new ArgumentException("Title is longer than 256 bytes of UTF-8: shorten it.", nameof(Title));
        }
    }
}
