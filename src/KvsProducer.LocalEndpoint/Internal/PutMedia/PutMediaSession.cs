using System.Buffers;
using System.Text;
using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Live;
using KvsProducer.LocalEndpoint.Internal.Mkv;
using KvsProducer.LocalEndpoint.Internal.Storage;

namespace KvsProducer.LocalEndpoint.Internal.PutMedia;

/// <summary>
/// The service side of one PutMedia request: turns parser events into fragments, checks the
/// PutMedia limits (ERROR acknowledgements when broken), stores fragments and queues the ACKs of
/// §4.3. Single-threaded: only the request's read loop calls it. ACKs and persistence jobs are
/// collected during a <see cref="MkvIngestParser.Feed"/> and taken out afterwards with
/// <see cref="TakeAcks"/> / <see cref="TakePersistJobs"/>, so a PERSISTED can never overtake the
/// RECEIVED of its fragment.
/// </summary>
internal sealed class PutMediaSession : IMkvIngestSink, IDisposable
{
    private const int MaxHeaderBytes = 2 * 1024 * 1024; // CodecPrivate ≤ 1 MiB plus the rest
    private const int MaxPendingTagBytes = 256 * 1024;
    private const int MaxClusterHeadBytes = 4096;

    private static readonly HashSet<string> ReservedTagNames = new(StringComparer.Ordinal)
    {
        // Names the SDKs themselves send.
        "AWS_KINESISVIDEO_END_OF_FRAGMENT", "AWS_KINESISVIDEO_NOTIFICATION", "AWS_KINESISVIDEO_IMAGE_GENERATION", "AWS_KINESISVIDEO_IMAGE_PREFIX",
    };

    private readonly LocalKvsOptions _options;
    private readonly StoredStream _stream;
    private readonly Func<bool> _streamActive;
    private readonly FragmentNumbers _numbers;
    private readonly PutMediaHeaders _headers;
    private readonly LocalKvsFaults _faults;
    private readonly DateTimeOffset _startedAt;
    private readonly bool _store;
    private readonly List<FragmentAck> _acks = [];
    private readonly List<PersistJob> _jobs = [];
    private readonly ArrayBufferWriter<byte> _pendingTags = new();
    private readonly List<TrackRecord> _tracks = [];

    private ArrayBufferWriter<byte> _header = new();
    private SessionHeader? _sessionHeader;
    private bool _ebmlSeen;
    private bool _tracksEnded;
    private ulong _timecodeScale = 1_000_000;
    private int _pendingMetadataItems;
    private Fragment? _current;
    private long? _previousTimecode;
    private long? _previousLastBlock;
    private int _headerSequence;

    public PutMediaSession(LocalKvsOptions options, StoredStream stream, Func<bool> streamActive, FragmentNumbers numbers, PutMediaHeaders headers, LocalKvsFaults faults, string sessionId)
    {
        _options = options;
        _stream = stream;
        _streamActive = streamActive;
        _numbers = numbers;
        _headers = headers;
        _faults = faults;
        SessionId = sessionId;
        _startedAt = options.TimeProvider.GetUtcNow();
        // Retention 0 keeps no data, so nothing is stored nor PERSISTED.
        _store = stream.State.DataRetentionInHours > 0;
    }

    public string SessionId { get; }

    public int FragmentsReceived { get; private set; }

    /// <summary>ACK of the fragment being received, for an ERROR raised outside the parser (connection age, deletion).</summary>
    public (long Timecode, string? Number) CurrentFragment =>
        _current is { Number: not null } f ? (f.Timecode, f.Number) : (-1, null);

    /// <summary>Moves the ACKs gathered so far into <paramref name="into"/> (no allocation per call).</summary>
    public void TakeAcks(List<FragmentAck> into)
    {
        into.AddRange(_acks);
        _acks.Clear();
    }

    /// <summary>Moves the fragments received so far, ready to be made durable, into <paramref name="into"/>.</summary>
    public void TakePersistJobs(List<PersistJob> into)
    {
        into.AddRange(_jobs);
        _jobs.Clear();
    }

    /// <summary>The ERROR ACK for a rejection, attributed to the fragment in progress (or -1 / "" before any, as the service does).</summary>
    public FragmentAck ErrorAck(AckErrorId id)
    {
        (long timecode, string? number) = CurrentFragment;
        return new FragmentAck(AckEventType.Error, timecode, number ?? string.Empty, id);
    }

    /// <summary>Discards the fragment in progress (after an error or a dropped connection).</summary>
    public void Abandon()
    {
        if (_current is { File: { } file } fragment)
        {
            file.Dispose();
            fragment.Live?.Abort();
            TryDelete(_stream.Fragments.PathOf(fragment.FileName!));
        }

        _current = null;
    }

    public void Dispose() => Abandon();

    /// <summary>
    /// Makes the bytes received so far readable by live GetMedia readers (called after each read
    /// of the body, not per frame): flushes the fragment file to the OS and publishes its length.
    /// </summary>
    public void FlushLive()
    {
        if (_current is { File: { } file, Live: { } live } fragment)
        {
            try
            {
                file.Flush();
                live.Flushed(fragment.StoredBytes);
            }
            catch (IOException e)
            {
                FailWrite(fragment, e);
            }
        }
    }

    public void OnBytes(MkvRegion region, ReadOnlySpan<byte> bytes)
    {
        switch (region)
        {
            case MkvRegion.Header:
                if (_header.WrittenCount + bytes.Length > MaxHeaderBytes)
                {
                    throw new IngestRejected(AckErrorId.InvalidMkvData, $"The stream header (Info, Tracks…) exceeds {MaxHeaderBytes} bytes: CodecPrivate must stay under 1 MiB.");
                }

                _header.Write(bytes);
                break;
            case MkvRegion.Tags:
                if (_pendingTags.WrittenCount + bytes.Length > MaxPendingTagBytes)
                {
                    throw new IngestRejected(AckErrorId.FragmentMetadataLimitReached, $"More than {MaxPendingTagBytes} bytes of Tags between two clusters: fragment metadata is limited to {_options.MaxFragmentMetadataItems} items.");
                }

                _pendingTags.Write(bytes);
                break;
            case MkvRegion.Cluster:
                ClusterBytes(bytes);
                break;
        }
    }

    public void OnEbmlHeader(string docType)
    {
        if (docType is not "matroska" and not "webm")
        {
            throw new IngestRejected(AckErrorId.InvalidMkvData, $"DocType is '{docType}': PutMedia accepts Matroska ('matroska') only.");
        }

        // A new EBML header (a restarted stream) starts a new session header.
        _ebmlSeen = true;
        _header = new ArrayBufferWriter<byte>();
        _sessionHeader = null;
        _tracks.Clear();
        _tracksEnded = false;
        _timecodeScale = 1_000_000;
    }

    public void OnTimecodeScale(ulong nanoseconds)
    {
        if (nanoseconds == 0 || nanoseconds > 1_000_000_000)
        {
            throw new IngestRejected(AckErrorId.InvalidMkvData, $"TimecodeScale {nanoseconds} ns is outside 1 ns … 1 s.");
        }

        _timecodeScale = nanoseconds;
    }

    public void OnTrack(ulong number, ulong uid, ulong type, string? codecId, string? name)
    {
        if (_tracks.Exists(t => t.Number == number))
        {
            throw new IngestRejected(AckErrorId.InvalidMkvData, $"Track number {number} is declared twice in Tracks.");
        }

        _tracks.Add(new TrackRecord { Number = number, Uid = uid, Type = type, CodecId = codecId, Name = name });
    }

    public void OnTracksEnd()
    {
        if (_tracks.Count > _options.MaxTracks)
        {
            throw new IngestRejected(AckErrorId.MoreThanAllowedTracksFound, $"The stream declares {_tracks.Count} tracks; at most {_options.MaxTracks} are allowed.");
        }

        if (_tracks.Count == 0)
        {
            throw new IngestRejected(AckErrorId.InvalidMkvData, "Tracks declares no TrackEntry: declare at least one track.");
        }

        _tracksEnded = true;
    }

    public void OnClusterStart()
    {
        if (!_ebmlSeen || !_tracksEnded)
        {
            throw new IngestRejected(AckErrorId.InvalidMkvData, "A Cluster arrived before the stream header: send EBML header, Segment, Info and Tracks first.");
        }

        _sessionHeader ??= new SessionHeader(_header.WrittenSpan.ToArray(), [.. _tracks], _timecodeScale);
        _current = new Fragment();
    }

    public void OnClusterTimecode(ulong timecode)
    {
        Fragment fragment = _current ?? throw new IngestRejected(AckErrorId.InvalidMkvData, "A Timecode element outside a Cluster.");
        if (fragment.Number is not null)
        {
            throw new IngestRejected(AckErrorId.InvalidMkvData, "A Cluster has two Timecode elements.");
        }

        if (timecode > long.MaxValue / 2)
        {
            throw new IngestRejected(AckErrorId.InvalidMkvData, $"Cluster Timecode {timecode} is out of range.");
        }

        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        fragment.Timecode = (long)timecode;
        fragment.Number = _numbers.Next();
        fragment.ServerTimestampMs = now.ToUnixTimeMilliseconds();
        fragment.Index = ++FragmentsReceived;
        long offsetMs = ToMilliseconds((long)timecode);
        // ABSOLUTE = the timecode itself; RELATIVE = start timestamp + timecode.
        fragment.ProducerTimestampMs = _headers.Absolute ? offsetMs : _headers.ProducerStartMs + offsetMs;

        if (_stream.Deleted)
        {
            throw new IngestRejected(AckErrorId.StreamDeleted, $"Stream '{_stream.State.Name}' has been deleted.");
        }

        if (!_streamActive())
        {
            throw new IngestRejected(AckErrorId.StreamNotActive, $"Stream '{_stream.State.Name}' is not ACTIVE yet: wait until DescribeStream reports ACTIVE.");
        }

        if (now - _startedAt > _options.MaxConnectionDuration)
        {
            throw new IngestRejected(AckErrorId.MaxConnectionDurationReached, $"The PutMedia connection is older than {_options.MaxConnectionDuration}: open a new one.");
        }

        if (_previousTimecode is { } previous && (long)timecode <= previous)
        {
            throw new IngestRejected(AckErrorId.FragmentTimecodeLesserThanPrevious, $"Cluster Timecode {timecode} is not greater than the previous fragment's {previous} in this PutMedia call.");
        }

        if (fragment.ProducerTimestampMs > fragment.ServerTimestampMs + (long)_options.FutureTimestampTolerance.TotalMilliseconds)
        {
            throw new IngestRejected(AckErrorId.InvalidProducerTimestamp, $"Producer timestamp {fragment.ProducerTimestampMs} ms is {fragment.ProducerTimestampMs - fragment.ServerTimestampMs} ms ahead of the endpoint's clock: either the device clock is ahead (run NTP) or a recording or test pattern is sent faster than real time with wall-clock timestamps (pace it, or keep its own timestamps in Offline mode).");
        }

        if (_faults.ErrorAckId is { } injected && fragment.Index == _faults.ErrorAckAtFragment)
        {
            throw new IngestRejected((AckErrorId)injected, $"Injected fault: ERROR {injected} at fragment {fragment.Index}.");
        }

        _pendingMetadataItems = 0;
        _acks.Add(new FragmentAck(AckEventType.Buffering, fragment.Timecode, fragment.Number));

        // Written for every stream: with retention 0 the file is the live buffer's only (CreateStream: retention 0 keeps no archive).
        fragment.FileName = fragment.Number + ".mkv";
        string path = _stream.Fragments.PathOf(fragment.FileName);
        fragment.Live = new LiveFragment(fragment.Number, fragment.ServerTimestampMs, fragment.ProducerTimestampMs, _sessionHeader!.Bytes, path, ownsFile: !_store);
        fragment.StoredBytes = _pendingTags.WrittenCount + fragment.Head.WrittenCount;
        try
        {
            fragment.File = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
            fragment.File.Write(_pendingTags.WrittenSpan);
            fragment.File.Write(fragment.Head.WrittenSpan);
            _stream.Live.Add(fragment.Live, fragment.ServerTimestampMs);
        }
        catch (IOException e)
        {
            FailWrite(fragment, e);
        }

        _pendingTags.Clear();
        fragment.Head.Clear();
    }

    public void OnBlock(ulong trackNumber, short relativeTimecode, byte flags, long payloadSize)
    {
        Fragment fragment = _current!;
        if (fragment.Number is null)
        {
            throw new IngestRejected(AckErrorId.InvalidMkvData, "A block came before its Cluster's Timecode: write Timecode first in each Cluster.");
        }

        // A loop, not FindIndex with a lambda: this runs for every frame and must not allocate.
        List<TrackRecord> tracks = _sessionHeader!.Tracks;
        int trackIndex = -1;
        for (int i = 0; i < tracks.Count; i++)
        {
            if (tracks[i].Number == trackNumber)
            {
                trackIndex = i;
                break;
            }
        }

        if (trackIndex < 0)
        {
            throw new IngestRejected(AckErrorId.TrackNumberMismatch, $"A frame of track {trackNumber} arrived, but Tracks declares only {string.Join(", ", _sessionHeader.Tracks.Select(t => t.Number))}.");
        }

        fragment.TracksWithFrames |= 1UL << Math.Min(trackIndex, 63);
        long blockTimecode = fragment.Timecode + relativeTimecode;
        if (fragment.FirstBlock is null)
        {
            fragment.FirstBlock = blockTimecode;
            if (_previousLastBlock is { } last && blockTimecode <= last)
            {
                throw new IngestRejected(AckErrorId.FragmentTimecodeLesserThanPrevious, $"The fragment's first frame (timecode {blockTimecode}) is not after the previous fragment's last frame ({last}).");
            }
        }

        fragment.LastBlock = Math.Max(fragment.LastBlock ?? blockTimecode, blockTimecode);
        long spanMs = ToMilliseconds(fragment.LastBlock.Value - fragment.Timecode);
        if (spanMs > (long)_options.MaxFragmentDuration.TotalMilliseconds)
        {
            throw new IngestRejected(AckErrorId.MaxFragmentDurationReached, $"The fragment spans {spanMs} ms; at most {_options.MaxFragmentDuration.TotalMilliseconds} ms are allowed: start a new Cluster at least that often.");
        }

        if (fragment.Size + payloadSize > _options.MaxFragmentSize)
        {
            throw new IngestRejected(AckErrorId.MaxFragmentSizeReached, $"The fragment would exceed {_options.MaxFragmentSize} bytes (a frame of {payloadSize} bytes arrived after {fragment.Size}): start a new Cluster sooner.");
        }
    }

    public void OnClusterEnd()
    {
        Fragment fragment = _current!;
        if (fragment.Number is null)
        {
            throw new IngestRejected(AckErrorId.InvalidMkvData, "A Cluster ended without a Timecode element.");
        }

        for (int i = 0; i < _sessionHeader!.Tracks.Count; i++)
        {
            if ((fragment.TracksWithFrames & (1UL << Math.Min(i, 63))) == 0)
            {
                throw new IngestRejected(AckErrorId.FramesMissingForTrack, $"The fragment has no frame for track {_sessionHeader.Tracks[i].Number}: every declared track needs at least one frame per fragment.");
            }
        }

        try
        {
            fragment.File!.Flush();
        }
        catch (IOException e)
        {
            FailWrite(fragment, e);
        }

        _previousTimecode = fragment.Timecode;
        _previousLastBlock = fragment.LastBlock;
        _current = null;
        _acks.Add(new FragmentAck(AckEventType.Received, fragment.Timecode, fragment.Number));
        fragment.Live!.Finish(fragment.StoredBytes);
        if (!_store)
        {
            fragment.File!.Dispose();
            return;
        }

        _headerSequence += _sessionHeader.File is null ? 1 : 0;
        _sessionHeader.File ??= $"{SessionId}-{_headerSequence}.mkvh";
        var record = new FragmentRecord
        {
            Number = fragment.Number,
            HeaderFile = _sessionHeader.File,
            File = fragment.FileName!,
            FragmentTimecode = fragment.Timecode,
            ProducerTimestampMs = fragment.ProducerTimestampMs,
            ServerTimestampMs = fragment.ServerTimestampMs,
            DurationMs = ToMilliseconds((fragment.LastBlock ?? fragment.Timecode) - fragment.Timecode),
            SizeBytes = fragment.StoredBytes,
            Tracks = _sessionHeader.Tracks,
        };
        _jobs.Add(new PersistJob(record, fragment.File!, _sessionHeader, _headers.AckRequired));
    }

    public void OnSimpleTag(string name, string value)
    {
        if (name.StartsWith("AWS", StringComparison.Ordinal))
        {
            if (!ReservedTagNames.Contains(name))
            {
                throw new IngestRejected(AckErrorId.FragmentMetadataLimitReached, $"Metadata name '{name}' starts with the reserved prefix 'AWS'.");
            }

            return;
        }

        if (++_pendingMetadataItems > _options.MaxFragmentMetadataItems)
        {
            throw new IngestRejected(AckErrorId.FragmentMetadataLimitReached, $"More than {_options.MaxFragmentMetadataItems} metadata items for one fragment.");
        }

        int nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > _options.MaxMetadataNameLength)
        {
            throw new IngestRejected(AckErrorId.FragmentMetadataLimitReached, $"Metadata name of {nameBytes} bytes; at most {_options.MaxMetadataNameLength} are allowed.");
        }

        int valueBytes = Encoding.UTF8.GetByteCount(value);
        if (valueBytes > _options.MaxMetadataValueLength)
        {
            throw new IngestRejected(AckErrorId.FragmentMetadataLimitReached, $"Metadata value of '{name}' has {valueBytes} bytes; at most {_options.MaxMetadataValueLength} are allowed.");
        }
    }

    private void ClusterBytes(ReadOnlySpan<byte> bytes)
    {
        Fragment fragment = _current!;
        fragment.Size += bytes.Length;
        if (fragment.Size > _options.MaxFragmentSize)
        {
            throw new IngestRejected(AckErrorId.MaxFragmentSizeReached, $"The fragment exceeds {_options.MaxFragmentSize} bytes: start a new Cluster sooner.");
        }

        if (fragment.Number is null)
        {
            if (fragment.Head.WrittenCount + bytes.Length > MaxClusterHeadBytes)
            {
                throw new IngestRejected(AckErrorId.InvalidMkvData, $"No Timecode in the first {MaxClusterHeadBytes} bytes of a Cluster: write Timecode first.");
            }

            fragment.Head.Write(bytes);
            return;
        }

        fragment.StoredBytes += bytes.Length;
        if (fragment.File is { } file)
        {
            try
            {
                file.Write(bytes);
            }
            catch (IOException e)
            {
                FailWrite(fragment, e);
            }
        }
    }

    /// <summary>
    /// A fragment that could not be written (disk full, I/O error): its file is dropped and the session ends with
    /// ERROR 5001 ARCHIVAL_ERROR for it (kvs-protocol.md: retriable; every ERROR ends the connection), never RECEIVED.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void FailWrite(Fragment fragment, IOException error)
    {
        if (fragment.File is { } file)
        {
            fragment.File = null;
            try
            {
                file.Dispose(); // flushes what is buffered: fails again on a full disk
            }
            catch (IOException)
            {
            }
        }

        fragment.Live?.Abort();
        TryDelete(_stream.Fragments.PathOf(fragment.FileName!));
        throw new IngestRejected(AckErrorId.ArchivalError, $"Fragment {fragment.Number} could not be stored: {error.Message}");
    }

    private long ToMilliseconds(long ticks) => (long)((Int128)ticks * _timecodeScale / 1_000_000);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Fragment
    {
        public ArrayBufferWriter<byte> Head { get; } = new(64);

        public string? Number { get; set; }

        public long Timecode { get; set; }

        public int Index { get; set; }

        public long ServerTimestampMs { get; set; }

        public long ProducerTimestampMs { get; set; }

        public long Size { get; set; }

        public long StoredBytes { get; set; }

        public long? FirstBlock { get; set; }

        public long? LastBlock { get; set; }

        public ulong TracksWithFrames { get; set; }

        public string? FileName { get; set; }

        public FileStream? File { get; set; }

        public LiveFragment? Live { get; set; }
    }
}
