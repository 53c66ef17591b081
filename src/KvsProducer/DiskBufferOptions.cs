namespace KvsProducer;

/// <summary>
/// A stream's persistent buffer on disk (docs/disk-buffer.md): every frame the stream accepts is appended to
/// crash-safe segment files before it is sent, and stays there until the service has PERSISTED its fragment.
/// Frames still on disk after a crash or restart are uploaded when the stream starts again (before live frames);
/// frames a Realtime stream drops from memory stay on disk and are uploaded in slices once the upload is healthy again
/// (pausing the live upload meanwhile), else when the stream stops or restarts.
/// </summary>
/// <example>
/// <code>
/// new StreamDefinition("front-door") { DiskBuffer = new DiskBufferOptions("/var/lib/kvs/spool") { MaxBytes = 2L &lt;&lt; 30 } }
/// </code>
/// </example>
public sealed record DiskBufferOptions
{
    /// <summary>The smallest <see cref="SegmentBytes"/>: below this, file creation and deletion dominate.</summary>
    public const long MinSegmentBytes = 64 * 1024;

    /// <summary>The largest <see cref="SegmentBytes"/>.</summary>
    public const long MaxSegmentBytes = 1L << 30;

    /// <summary>The smallest <see cref="SpillSliceBytes"/>.</summary>
    public const long MinSpillSliceBytes = 64 * 1024;

    /// <summary>Creates the options for a disk buffer under <paramref name="directory"/>.</summary>
    public DiskBufferOptions(string directory) => Directory = directory;

    /// <summary>The directory the buffer lives in; each stream uses a subdirectory named after it. Created if missing; must be writable.</summary>
    public string Directory { get; init; }

    /// <summary>
    /// The most bytes the stream's segment files may hold (default 1 GiB; at least 2 × <see cref="SegmentBytes"/>).
    /// Over the bound the oldest whole segment is deleted and its frames not yet PERSISTED are counted in
    /// <see cref="DiskBufferMetrics.DroppedFrames"/> and logged (never silently).
    /// </summary>
    public long MaxBytes { get; init; } = 1L << 30;

    /// <summary>The size at which a segment file is closed and a new one started (default 16 MiB, 64 KiB–1 GiB). Space is freed by whole segments.</summary>
    public long SegmentBytes { get; init; } = 16L << 20;

    /// <summary>
    /// How often appended records are forced to the storage device (fsync). A power cut loses at most the records
    /// appended since the last sync; a killed process loses nothing (the data is in the page cache).
    /// <see cref="TimeSpan.Zero"/> syncs every record (safest, slowest on SD cards); <see cref="Timeout.InfiniteTimeSpan"/>
    /// leaves it to the operating system. Default 1 s.
    /// </summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the live upload must have been healthy (PERSISTED acknowledgements and no error since the first of them)
    /// before frames a Realtime stream spilled to disk are uploaded while it runs: the live upload pauses at a fragment
    /// start, one slice of spilled frames goes up in its own session, and the live upload resumes with a fresh session
    /// (docs/disk-buffer.md). Default 5 s; <see cref="Timeout.InfiniteTimeSpan"/> uploads spilled frames only at stop
    /// or at the next start.
    /// </summary>
    public TimeSpan SpillReplayHealthyFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The media duration of one slice of spilled frames (default 10 s; positive): ends at the first fragment start at or after it.</summary>
    public TimeSpan SpillSliceDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The payload bytes of one slice of spilled frames (default 8 MiB; at least 64 KiB): ends at the first fragment start at or after it.</summary>
    public long SpillSliceBytes { get; init; } = 8L << 20;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the invalid option, its value and the allowed range; creates the
    /// directory and checks that a file can be written in it.
    /// </summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("DiskBuffer.Directory is empty: give a writable directory for the disk buffer, e.g. /var/lib/kvs/spool.", nameof(Directory));
        }

        if (SegmentBytes < MinSegmentBytes || SegmentBytes > MaxSegmentBytes)
        {
            throw new ArgumentException($"DiskBuffer.SegmentBytes {SegmentBytes} is out of range: use {MinSegmentBytes} (64 KiB) to {MaxSegmentBytes} (1 GiB).", nameof(SegmentBytes));
        }

        if (MaxBytes < 2 * SegmentBytes)
        {
            throw new ArgumentException($"DiskBuffer.MaxBytes {MaxBytes} must be at least twice SegmentBytes ({2 * SegmentBytes}): space is freed by whole segments, so the bound must hold at least two.", nameof(MaxBytes));
        }

        if (SyncInterval < TimeSpan.Zero && SyncInterval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"DiskBuffer.SyncInterval {SyncInterval} is negative: use TimeSpan.Zero (sync every record), a positive interval, or Timeout.InfiniteTimeSpan (leave it to the operating system).", nameof(SyncInterval));
        }

        if (SpillReplayHealthyFor <= TimeSpan.Zero && SpillReplayHealthyFor != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"DiskBuffer.SpillReplayHealthyFor {SpillReplayHealthyFor} must be positive (how long the upload must be healthy before spilled frames go up while the stream runs), or Timeout.InfiniteTimeSpan (only at stop or the next start).", nameof(SpillReplayHealthyFor));
        }

        if (SpillSliceDuration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"DiskBuffer.SpillSliceDuration {SpillSliceDuration} must be positive: the media duration of one slice of spilled frames (default 10 s).", nameof(SpillSliceDuration));
        }

        if (SpillSliceBytes < MinSpillSliceBytes)
        {
            throw new ArgumentException($"DiskBuffer.SpillSliceBytes {SpillSliceBytes} is too small: use at least {MinSpillSliceBytes} (64 KiB); default 8 MiB.", nameof(SpillSliceBytes));
        }

        var probe = Path.Combine(Directory, $".kvs-write-check-{Environment.ProcessId}");
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ArgumentException($"DiskBuffer.Directory '{Directory}' is not a writable directory ({e.Message}): create it and give this process write access, or choose another directory.", nameof(Directory), e);
        }
    }
}
