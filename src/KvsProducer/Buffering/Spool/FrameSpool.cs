using Microsoft.Extensions.Logging;

namespace KvsProducer.Buffering.Spool;

/// <summary>
/// One stream's persistent buffer on disk (docs/disk-buffer.md): frames appended to segment files as
/// CRC-checked records, released by sequence range once the service has PERSISTED them, and whole segments
/// deleted once every record in them is released or when the bytes bound needs room (counted as dropped).
/// </summary>
/// <remarks>
/// <para>Crash safety: records are only ever appended; a record is trusted only when its CRC matches, so a torn
/// tail (power cut, kill -9 mid-write) or a damaged record is cut off when the spool is opened, and the records
/// before it are untouched. Releases go to a separate journal (<see cref="SpoolReleaseJournal"/>).</para>
/// <para>Threads: the producer appends (under the stream's put gate), acknowledgement readers release, the Meter
/// reads metrics: one short lock. The append path allocates nothing in steady state: one reused buffer, one write.</para>
/// </remarks>
internal sealed class FrameSpool : IDisposable
{
    private readonly DiskBufferOptions _options;
    private readonly string _stream;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<SpoolSegment> _segments = [];
    private readonly SequenceRanges _released = new();
    private readonly SequenceRanges _spilledRecords = new(); // records the memory buffer dropped: only the disk holds them now
    private readonly SpoolReleaseJournal _journal;
    private SpoolSegment? _active;
    private byte[] _writeBuffer = new byte[64 * 1024];
    private long _nextSequence;
    private long _bytes;
    private long _lastSync;
    private long _appended;
    private long _replayed;
    private long _spilled;
    private long _spilledFragments;
    private long _spilledPersisted;
    private long _spilledLost;
    private long _lostNotice; // spilled frames lost to the bound, not yet reported (TakeSpilledLost)
    private long _dropped;
    private long _truncated;
    private bool _disposed;

    private FrameSpool(DiskBufferOptions options, string stream, string directory, TimeProvider clock, ILogger logger)
    {
        _options = options;
        _stream = stream;
        _clock = clock;
        _logger = logger;
        Directory = directory;
        _journal = SpoolReleaseJournal.Open(directory, _released, out long journalCut);
        if (journalCut > 0)
        {
            SpoolLog.TruncatedJournal(logger, stream, journalCut);
        }

        _lastSync = clock.GetTimestamp();
        SyncDirectory(); // the journal's entry, possibly just created
    }

    /// <summary>The stream's spool directory: <see cref="DiskBufferOptions.Directory"/>/<c>stream name</c>.</summary>
    public string Directory { get; }

    /// <summary>Records numbered below this were on disk when the spool was opened: the backlog of an earlier run.</summary>
    public long OpenedAt { get; private set; }

    /// <summary>
    /// Opens the spool of <paramref name="stream"/>: scans every segment, cuts torn or damaged tails, forgets what the
    /// journal says is released, and deletes segments with nothing left to upload.
    /// </summary>
    public static FrameSpool Open(DiskBufferOptions options, string stream, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = Path.Combine(options.Directory, stream);
        bool created = !System.IO.Directory.Exists(directory);
        System.IO.Directory.CreateDirectory(directory);
        if (created && options.SyncInterval != Timeout.InfiniteTimeSpan)
        {
            DirectorySync.Sync(options.Directory, stream, logger); // the stream directory's own entry
        }

        var spool = new FrameSpool(options, stream, directory, clock, logger);
        try
        {
            spool.Recover();
        }
        catch
        {
            spool.Dispose();
            throw;
        }

        return spool;
    }

    /// <summary>
    /// Appends <paramref name="frame"/>; returns its sequence number, or -1 when it could not be stored (larger than
    /// the bound, or a disk error), which is counted in <see cref="DiskBufferMetrics.DroppedFrames"/> and logged.
    /// </summary>
    public long Append(in Frame frame)
    {
        int size = SpoolRecord.HeaderSize + frame.Data.Length;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (size > _options.MaxBytes || frame.Data.Length > SpoolRecord.MaxPayloadLength)
            {
                _dropped++;
                SpoolLog.AppendFailed(_logger, _stream, size, $"larger than DiskBuffer.MaxBytes ({_options.MaxBytes})");
                return -1;
            }

            try
            {
                MakeRoom(size);
                var segment = _active ??= StartSegment();
                if (_writeBuffer.Length < size)
                {
                    _writeBuffer = new byte[Math.Max(size, _writeBuffer.Length * 2)]; // grows to the largest frame once
                }

                long sequence = _nextSequence;
                SpoolRecord.Write(_writeBuffer, SpoolRecordHeader.Of(sequence, frame), frame.Data.Span);
                RandomAccess.Write(segment.Writer!, _writeBuffer.AsSpan(0, size), segment.Bytes);
                segment.Bytes += size;
                segment.EndSequence = sequence + 1;
                _bytes += size;
                _nextSequence++;
                _appended++;
                SyncIfDue(segment);
                return sequence;
            }
            catch (IOException e)
            {
                // ENOSPC and friends: the frame still goes to the service from memory; only its disk copy is missing.
                CutFailedWrite();
                _dropped++;
                SpoolLog.AppendFailed(_logger, _stream, size, e.Message);
                return -1;
            }
        }
    }

    /// <summary>
    /// Records <paramref name="from"/>..<paramref name="to"/> are done with (<paramref name="persisted"/>: the service
    /// has them; else given up for good): never uploaded again.
    /// </summary>
    public void Release(long from, long to, bool persisted = true)
    {
        if (from < 0 || to < from)
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            long spilled = _spilledRecords.CountInExcept(from, to, _released);
            if (persisted)
            {
                _spilledPersisted += spilled;
            }
            else
            {
                _spilledLost += spilled;
            }

            _released.Add(from, to);
            _journal.Append(from, to, sync: _options.SyncInterval == TimeSpan.Zero);
            bool deleted = false;
            for (int i = _segments.Count - 1; i >= 0; i--)
            {
                var segment = _segments[i];
                if (segment != _active && segment.EndSequence > from && segment.FirstSequence <= to
                    && _released.CountIn(segment.FirstSequence, segment.EndSequence) == segment.Records)
                {
                    DeleteSegment(i);
                    deleted = true;
                }
            }

            if (deleted)
            {
                CompactJournal();
            }
        }
    }

    /// <summary>True when record <paramref name="sequence"/> was released.</summary>
    public bool IsReleased(long sequence)
    {
        lock (_gate)
        {
            return _released.Contains(sequence);
        }
    }

    /// <summary>Records below <paramref name="endSequence"/> still on disk and not released.</summary>
    public long CountUnreleased(long endSequence)
    {
        lock (_gate)
        {
            long count = 0;
            foreach (var segment in _segments)
            {
                long end = Math.Min(segment.EndSequence, endSequence);
                if (end > segment.FirstSequence)
                {
                    count += end - segment.FirstSequence - _released.CountIn(segment.FirstSequence, end);
                }
            }

            return count;
        }
    }

    /// <summary>Reads the unreleased records below <paramref name="endSequence"/>, oldest first, from the segments on disk now.</summary>
    public SpoolBacklogReader ReadBacklog(long endSequence)
    {
        lock (_gate)
        {
            return new SpoolBacklogReader(this, [.. _segments.Where(s => s.FirstSequence < endSequence).Select(s => s.Path)], endSequence);
        }
    }

    /// <summary>The next sequence number: records below it exist (or existed).</summary>
    public long NextSequence
    {
        get
        {
            lock (_gate)
            {
                return _nextSequence;
            }
        }
    }

    public void CountReplayed(long frames) => Interlocked.Add(ref _replayed, frames);

    /// <summary>
    /// The memory buffer dropped <paramref name="frames"/> frames, records <paramref name="from"/>..<paramref name="to"/>.
    /// When every one of them is on disk and not released, they are now spilled (uploaded later from disk) and this
    /// returns true. Otherwise (part of them deleted over the bound, or never written) none is: a fragment missing a
    /// part cannot be sent whole, so what is left of it is released, and the drop stays a loss reported once.
    /// </summary>
    public bool MarkSpilled(long from, long to, long frames)
    {
        if (from < 0 || to < from)
        {
            return false;
        }

        lock (_gate)
        {
            long kept = 0;
            foreach (var segment in _segments)
            {
                long first = Math.Max(from, segment.FirstSequence);
                long last = Math.Min(to, segment.EndSequence - 1);
                if (last >= first)
                {
                    kept += last - first + 1 - _released.CountIn(first, last + 1);
                }
            }

            if (kept == frames)
            {
                _spilledRecords.Add(from, to);
                _spilled += kept;
                _spilledFragments++; // the memory buffer drops whole fragments, one per notice
                return true;
            }
        }

        Release(from, to, persisted: false);
        return false;
    }

    /// <summary>
    /// Spilled frames that left the disk before the service had them (their segment was deleted over
    /// <see cref="DiskBufferOptions.MaxBytes"/>) since the last call: now really lost, to be reported once. Taken
    /// after the frame whose append deleted them is committed, so a subscriber's handler cannot abort that frame.
    /// </summary>
    public long TakeSpilledLost() => Volatile.Read(ref _lostNotice) == 0 ? 0 : Interlocked.Exchange(ref _lostNotice, 0);

    /// <summary>Spilled frames so far: all of them, those PERSISTED from disk, those lost after all, and the fragments they came in (one consistent reading).</summary>
    public (long Spilled, long Persisted, long Lost, long Fragments) GetSpillFigures()
    {
        lock (_gate)
        {
            return (_spilled, _spilledPersisted, _spilledLost, _spilledFragments);
        }
    }

    /// <summary>Spilled frames on disk not yet uploaded (nor lost).</summary>
    public long SpilledWaiting
    {
        get
        {
            lock (_gate)
            {
                return _spilled - _spilledPersisted - _spilledLost;
            }
        }
    }

    /// <summary>True when record <paramref name="sequence"/> is spilled and not released: the mid-run replay reads only those.</summary>
    public bool IsSpilledWaiting(long sequence)
    {
        lock (_gate)
        {
            return _spilledRecords.Contains(sequence) && !_released.Contains(sequence);
        }
    }

    /// <summary>Reads the spilled records not yet released, oldest first.</summary>
    public SpoolBacklogReader ReadSpilled()
    {
        lock (_gate)
        {
            return new SpoolBacklogReader(this, [.. _segments.Select(s => s.Path)], long.MaxValue, spilledOnly: true);
        }
    }

    public DiskBufferMetrics GetMetrics()
    {
        lock (_gate)
        {
            return new DiskBufferMetrics
            {
                Bytes = _bytes,
                Records = CountUnreleasedLocked(),
                Segments = _segments.Count,
                AppendedFrames = _appended,
                ReplayedFrames = Interlocked.Read(ref _replayed),
                SpilledFrames = _spilled,
                SpilledPersistedFrames = _spilledPersisted,
                SpilledLostFrames = _spilledLost,
                SpilledWaitingFrames = _spilled - _spilledPersisted - _spilledLost,
                DroppedFrames = _dropped,
                TruncatedBytes = _truncated,
            };
        }
    }

    /// <summary>Closes the files (syncing them unless the policy leaves that to the system); deletes segments with nothing left.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_active is { } active)
            {
                CloseActive();
                if (_released.CountIn(active.FirstSequence, active.EndSequence) == active.Records)
                {
                    DeleteSegment(_segments.IndexOf(active));
                    CompactJournal();
                }
            }

            if (_options.SyncInterval != Timeout.InfiniteTimeSpan)
            {
                _journal.Sync();
            }

            _journal.Dispose();
        }
    }

    private long CountUnreleasedLocked()
    {
        long count = 0;
        foreach (var segment in _segments)
        {
            count += segment.Records - _released.CountIn(segment.FirstSequence, segment.EndSequence);
        }

        return count;
    }

    private void Recover()
    {
        var buffer = new byte[64 * 1024];
        foreach (var path in System.IO.Directory.GetFiles(Directory, SpoolSegment.SearchPattern).Order(StringComparer.Ordinal))
        {
            SpoolSegment? segment = null;
            long cutAt;
            long length;
            using (var reader = new SpoolSegmentReader(path, buffer))
            {
                length = reader.Length;
                while (true)
                {
                    long offset = reader.Offset;
                    var result = reader.TryReadNext(out var header, out _);
                    if (result == SpoolReadResult.Record && (segment is null ? header.Sequence >= _nextSequence : header.Sequence == segment.EndSequence))
                    {
                        segment ??= new SpoolSegment(path, header.Sequence);
                        segment.EndSequence = header.Sequence + 1;
                        segment.Bytes = reader.Offset;
                        continue;
                    }

                    // End of file, a torn or damaged record, or a record out of sequence (not ours): keep what came before.
                    cutAt = offset;
                    break;
                }

                buffer = reader.Buffer;
            }

            if (cutAt < length)
            {
                _truncated += length - cutAt;
                SpoolLog.TruncatedTail(_logger, _stream, path, cutAt, length - cutAt);
                using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
                RandomAccess.SetLength(file, cutAt);
                RandomAccess.FlushToDisk(file);
            }

            if (segment is null)
            {
                File.Delete(path);
                continue;
            }

            _segments.Add(segment);
            _bytes += segment.Bytes;
            _nextSequence = segment.EndSequence;
        }

        // Sequence numbers never go back, even when every segment is gone: the journal still names them.
        if (_released.Ranges.Count > 0)
        {
            _nextSequence = Math.Max(_nextSequence, _released.Ranges[^1].To + 1);
        }

        OpenedAt = _nextSequence;
        bool deleted = false;
        for (int i = _segments.Count - 1; i >= 0; i--)
        {
            if (_released.CountIn(_segments[i].FirstSequence, _segments[i].EndSequence) == _segments[i].Records)
            {
                DeleteSegment(i);
                deleted = true;
            }
        }

        if (deleted || _truncated > 0)
        {
            CompactJournal();
        }

        SpoolLog.Opened(_logger, _stream, Directory, CountUnreleasedLocked(), _segments.Count, _bytes);
    }

    private SpoolSegment StartSegment()
    {
        var segment = new SpoolSegment(Path.Combine(Directory, SpoolSegment.FileName(_nextSequence)), _nextSequence);
        segment.Writer = File.OpenHandle(segment.Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
        _segments.Add(segment);
        SyncDirectory(); // else a power cut can lose the whole new segment, synced records and all
        return segment;
    }

    /// <summary>Rolls to a new segment when the record would overflow the active one; deletes the oldest segments while the bound is exceeded.</summary>
    private void MakeRoom(int size)
    {
        if (_active is { } active && active.Bytes > 0 && active.Bytes + size > _options.SegmentBytes)
        {
            CloseActive();
        }

        while (_bytes + size > _options.MaxBytes && _segments.Count > 0)
        {
            if (_segments[0] == _active)
            {
                CloseActive();
            }

            var oldest = _segments[0];
            long unreleased = oldest.Records - _released.CountIn(oldest.FirstSequence, oldest.EndSequence);
            long spilledLost = oldest.Records == 0 ? 0 : _spilledRecords.CountInExcept(oldest.FirstSequence, oldest.EndSequence - 1, _released);
            _spilledLost += spilledLost;
            _lostNotice += spilledLost;
            DeleteSegment(0);
            if (unreleased > 0)
            {
                _dropped += unreleased;
                SpoolLog.DroppedSegment(_logger, _stream, _options.MaxBytes, oldest.Path, unreleased);
            }

            CompactJournal();
        }
    }

    private void CloseActive()
    {
        if (_active?.Writer is { } writer)
        {
            if (_options.SyncInterval != Timeout.InfiniteTimeSpan)
            {
                RandomAccess.FlushToDisk(writer);
            }

            writer.Dispose();
            _active.Writer = null;
        }

        _active = null;
    }

    private void SyncIfDue(SpoolSegment segment)
    {
        var interval = _options.SyncInterval;
        if (interval == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        if (interval == TimeSpan.Zero || _clock.GetElapsedTime(_lastSync) >= interval)
        {
            RandomAccess.FlushToDisk(segment.Writer!);
            _journal.Sync();
            _lastSync = _clock.GetTimestamp();
        }
    }

    /// <summary>After a failed write: cut whatever part of the record reached the file, so the next append starts at a record boundary.</summary>
    private void CutFailedWrite()
    {
        if (_active?.Writer is not { } writer)
        {
            return;
        }

        try
        {
            RandomAccess.SetLength(writer, _active.Bytes);
        }
        catch (IOException)
        {
            // The next append would follow garbage: start a new segment instead (recovery cuts the garbage).
            CloseActive();
        }
    }

    private void DeleteSegment(int index)
    {
        var segment = _segments[index];
        segment.Writer?.Dispose();
        segment.Writer = null;
        if (segment == _active)
        {
            _active = null;
        }

        File.Delete(segment.Path);
        _segments.RemoveAt(index);
        _bytes -= segment.Bytes;
    }

    /// <summary>Keeps the journal small: ranges below the oldest segment name nothing on disk (the highest is kept, so numbering never restarts).</summary>
    private void CompactJournal()
    {
        if (_released.Ranges.Count == 0)
        {
            return;
        }

        long keepFrom = _segments.Count > 0 ? _segments[0].FirstSequence : long.MaxValue;
        _released.RemoveBelow(Math.Min(keepFrom, _released.Ranges[^1].To));
        _spilledRecords.RemoveBelow(keepFrom);
        _journal.Rewrite(_released.Ranges);
        SyncDirectory(); // the rename of the rewritten journal
    }

    private void SyncDirectory()
    {
        if (_options.SyncInterval != Timeout.InfiniteTimeSpan)
        {
            DirectorySync.Sync(Directory, _stream, _logger);
        }
    }
}
