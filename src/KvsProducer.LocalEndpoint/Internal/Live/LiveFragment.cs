namespace KvsProducer.LocalEndpoint.Internal.Live;

/// <summary>
/// A fragment in the live buffer: its file grows while PutMedia receives it, and live GetMedia
/// readers tail that file up to <see cref="Length"/> (the bytes the session has flushed).
/// </summary>
internal sealed class LiveFragment
{
    private long _length;
    private volatile bool _complete;
    private volatile bool _aborted;

    public LiveFragment(string number, long serverTimestampMs, long producerTimestampMs, byte[] header, string path, bool ownsFile)
    {
        Number = number;
        ServerTimestampMs = serverTimestampMs;
        ProducerTimestampMs = producerTimestampMs;
        Header = header;
        Path = path;
        OwnsFile = ownsFile;
    }

    public string Number { get; }

    public long ServerTimestampMs { get; }

    public long ProducerTimestampMs { get; }

    /// <summary>The producer's header elements (Info, Tracks…) replayed before the fragment.</summary>
    public byte[] Header { get; }

    public string Path { get; }

    /// <summary>True for streams without retention: the buffer deletes the file when it lets the fragment go.</summary>
    public bool OwnsFile { get; }

    /// <summary>Order in which fragments entered the buffer.</summary>
    public long Sequence { get; set; }

    /// <summary>Bytes of the fragment readable from <see cref="Path"/>.</summary>
    public long Length => Volatile.Read(ref _length);

    /// <summary>The Cluster ended: <see cref="Length"/> is final.</summary>
    public bool Complete => _complete;

    /// <summary>The session ended mid-fragment (error or dropped connection): readers skip the rest.</summary>
    public bool Aborted => _aborted;

    public void Flushed(long length) => Volatile.Write(ref _length, length);

    public void Finish(long length)
    {
        Flushed(length);
        _complete = true;
    }

    public void Abort() => _aborted = true;
}
