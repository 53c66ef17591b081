using System.Text.RegularExpressions;

namespace KvsProducer;

/// <summary>
/// One Kinesis Video stream as the producer sends to it: the options of the official SDKs' StreamInfo
/// that apply, with their defaults. Validated when the stream is started.
/// </summary>
public sealed partial record StreamDefinition
{
    /// <summary>Creates the definition for stream <paramref name="name"/>.</summary>
    public StreamDefinition(string name) => Name = name;

    /// <summary>The stream name: 1–256 characters of letters, digits, '_', '.', '-'.</summary>
    public string Name { get; init; }

    /// <summary>Realtime (drop oldest when full), NearRealtime, or Offline (wait for space; keeps every frame).</summary>
    public StreamingMode Mode { get; init; } = StreamingMode.Realtime;

    /// <summary>The tracks; one video track (H.264 or H.265) in this version.</summary>
    public IReadOnlyList<TrackDefinition> Tracks { get; init; } = [TrackDefinition.H264Video()];

    /// <summary>Target fragment duration (1–30 s); see <see cref="KeyFrameFragmentation"/>.</summary>
    public TimeSpan FragmentDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Start a fragment at every key frame (default), else at the first key frame after <see cref="FragmentDuration"/>.</summary>
    public bool KeyFrameFragmentation { get; init; } = true;

    /// <summary>MKV TimecodeScale (default 1 ms).</summary>
    public TimeSpan TimecodeScale { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Absolute frame timestamps (wall clock, the default) or relative to the stream start.</summary>
    public FragmentTimecodes Timecodes { get; init; } = FragmentTimecodes.Absolute;

    /// <summary>How much media the buffer holds at most (default 120 s, as the C++ SDK).</summary>
    public TimeSpan BufferDuration { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How far back a reconnect may resend unacknowledged fragments (default 40 s, at most <see cref="BufferDuration"/>).</summary>
    public TimeSpan ReplayDuration { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Reconnect when data older than this has no BUFFERING acknowledgement (default 20 s; zero turns it off).</summary>
    public TimeSpan ConnectionStaleAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a stale connection keeps being read before it is reset (default 45 s, 0 to 2 minutes; zero resets
    /// at once). A stopped endpoint still stores what its kernel queued when it resumes, so a reset connection's
    /// fragments could be stored twice once the next session resends them; during the grace no new fragment is
    /// started, and the first answer ends it: the connection goes on and nothing is resent (docs/fault-suite.md,
    /// "Stopped endpoint"). Only after a grace without any answer is the connection reset.
    /// </summary>
    public TimeSpan StaleConnectionGrace { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Raise latency pressure when the unsent backlog is older than this (zero, the default, turns it off).</summary>
    public TimeSpan MaxLatency { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Offline mode: a deadline for one <c>PutFrameAsync</c> waiting for buffer space. The default,
    /// <see cref="Timeout.InfiniteTimeSpan"/>, waits as long as the uploader keeps trying (an outage of any length
    /// loses nothing; the wait ends with an error only when the upload gives up for good). The PIC's 15 s made an
    /// outage longer than 15 s fail frames before staleness detection (20 s) had even reconnected (issue 11), so a
    /// finite value must be longer than <see cref="ConnectionStaleAfter"/>.
    /// </summary>
    public TimeSpan OfflineWaitTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Intermittent producers (e.g. motion-triggered cameras): end the open fragment with the end-of-fragment
    /// tag when no frame has arrived for this long, so the service persists it without waiting for the next key
    /// frame (the official SDKs' automatic intermittent-producer mode, 20 s idle). Zero turns it off (the SDKs'
    /// AUTOMATIC_STREAMING_ALWAYS_CONTINUOUS). Default 20 s; at least 100 ms.
    /// </summary>
    public TimeSpan IdleFragmentTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Create the stream when DescribeStream says it does not exist.</summary>
    public bool CreateIfMissing { get; init; }

    /// <summary>Data retention when the stream is created (0 = keep nothing; else at least 1 hour). Default 2 hours.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(2);

    /// <summary>KMS key for a created stream; null = the service's default key.</summary>
    public string? KmsKeyId { get; init; }

    /// <summary>Stream tags applied with TagStream when the stream starts (at most 50; keys 1–128, values 0–256 characters).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The 16-byte MKV SegmentUID shared by every session of this stream; empty = random.</summary>
    public ReadOnlyMemory<byte> SegmentUid { get; init; }

    /// <summary>
    /// A persistent buffer on disk for this stream (docs/disk-buffer.md); null (the default) keeps frames in memory only.
    /// Needs absolute timecodes: frames uploaded after a restart keep their own timestamps.
    /// </summary>
    public DiskBufferOptions? DiskBuffer { get; init; }

    /// <summary>The longest <see cref="StaleConnectionGrace"/>: a hung connection must not hold the upload back for long.</summary>
    internal static readonly TimeSpan MaxStaleConnectionGrace = TimeSpan.FromMinutes(2);

    /// <summary>The PutMedia content type: the tracks' (e.g. <c>video/h264</c>).</summary>
    public string ContentType => string.Join(',', Tracks.Select(t => t.ContentType));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option, its value and what to use.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Length > 256 || !StreamNamePattern().IsMatch(Name))
        {
            var bad = Name?.FirstOrDefault(c => !char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'));
            throw new ArgumentException(
                $"Stream name '{Name}' is invalid{(bad is null or '\0' ? string.Empty : $": it contains '{bad}'")}: use letters, digits, '_', '.', '-' (1–256 characters).",
                nameof(Name));
        }

        FragmenterOptions(ReadOnlyMemory<byte>.Empty).Validate();

        if (BufferDuration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"BufferDuration {BufferDuration} must be positive: use e.g. 120 s.", nameof(BufferDuration));
        }

        if (ReplayDuration < TimeSpan.Zero || ReplayDuration > BufferDuration)
        {
            throw new ArgumentException($"ReplayDuration {ReplayDuration} must be between 0 and BufferDuration ({BufferDuration}).", nameof(ReplayDuration));
        }

        if (ConnectionStaleAfter < TimeSpan.Zero || MaxLatency < TimeSpan.Zero)
        {
            throw new ArgumentException("ConnectionStaleAfter and MaxLatency must not be negative: use zero to turn them off.", nameof(ConnectionStaleAfter));
        }

        if (StaleConnectionGrace < TimeSpan.Zero || StaleConnectionGrace > MaxStaleConnectionGrace)
        {
            throw new ArgumentException(
                $"StaleConnectionGrace {StaleConnectionGrace} is out of range: use 0 (reset a stale connection at once) to 2 minutes (45 s is the default).",
                nameof(StaleConnectionGrace));
        }

        if (IdleFragmentTimeout != TimeSpan.Zero && (IdleFragmentTimeout < TimeSpan.FromMilliseconds(100) || IdleFragmentTimeout > TimeSpan.FromHours(1)))
        {
            throw new ArgumentException($"IdleFragmentTimeout {IdleFragmentTimeout} is out of range: use 100 ms to 1 hour (20 s is the default), or zero to turn it off.", nameof(IdleFragmentTimeout));
        }

        if (OfflineWaitTimeout != Timeout.InfiniteTimeSpan && OfflineWaitTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"OfflineWaitTimeout {OfflineWaitTimeout} must be positive, or Timeout.InfiniteTimeSpan (the default) to wait as long as the upload keeps trying.", nameof(OfflineWaitTimeout));
        }

        if (Mode == StreamingMode.Offline && OfflineWaitTimeout != Timeout.InfiniteTimeSpan && ConnectionStaleAfter > TimeSpan.Zero && OfflineWaitTimeout <= ConnectionStaleAfter + StaleConnectionGrace)
        {
            throw new ArgumentException(
                $"OfflineWaitTimeout {OfflineWaitTimeout} must be longer than ConnectionStaleAfter {ConnectionStaleAfter} plus StaleConnectionGrace {StaleConnectionGrace}: " +
                "a hung connection is replaced only after ConnectionStaleAfter and its grace, " +
                "so a shorter wait fails frames the reconnect would have sent. Use Timeout.InfiniteTimeSpan (the default) to wait as long as the upload keeps trying.",
                nameof(OfflineWaitTimeout));
        }

        if (Retention != TimeSpan.Zero && (Retention < TimeSpan.FromHours(1) || Retention > TimeSpan.FromDays(3650)))
        {
            throw new ArgumentException($"Retention {Retention} is out of range: use 0 (keep nothing) or 1 hour to 10 years.", nameof(Retention));
        }

        if (Mode == StreamingMode.Offline && Retention == TimeSpan.Zero && CreateIfMissing)
        {
            throw new ArgumentException("Offline mode needs a stream that keeps data (PERSISTED acknowledgements free the buffer): set Retention to at least 1 hour.", nameof(Retention));
        }

        if (DiskBuffer is not null)
        {
            if (Timecodes != FragmentTimecodes.Absolute)
            {
                throw new ArgumentException($"DiskBuffer needs Timecodes = Absolute (it is {Timecodes}): frames uploaded from disk after a restart would be placed relative to the new run's start.", nameof(DiskBuffer));
            }

            if (Name is "." or "..")
            {
                throw new ArgumentException($"Stream name '{Name}' cannot name its disk buffer directory (DiskBuffer.Directory/{Name}): use a name with a letter or digit.", nameof(DiskBuffer));
            }

            DiskBuffer.Validate();
        }

        if (Tags.Count > 50 || Tags.Any(t => t.Key.Length is 0 or > 128 || t.Value.Length > 256))
        {
            throw new ArgumentException($"Tags: at most 50, keys of 1–128 characters and values of at most 256 ({Tags.Count} given).", nameof(Tags));
        }
    }

    /// <summary>The packaging options this definition implies.</summary>
    internal MkvFragmenterOptions FragmenterOptions(ReadOnlyMemory<byte> segmentUid) => new()
    {
        Tracks = Tracks,
        FragmentDuration = FragmentDuration,
        KeyFrameFragmentation = KeyFrameFragmentation,
        TimecodeScale = TimecodeScale,
        Timecodes = Timecodes,
        SegmentUid = segmentUid,
        WriteHeader = false,
    };

    [GeneratedRegex("^[a-zA-Z0-9_.-]+$")]
    private static partial Regex StreamNamePattern();
}
