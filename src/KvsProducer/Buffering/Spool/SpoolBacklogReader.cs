namespace KvsProducer.Buffering.Spool;

/// <summary>
/// Reads a spool's unreleased records below a sequence number (or only its spilled ones), oldest first, segment by segment, for upload. A
/// segment deleted meanwhile (the bytes bound) is skipped. The payload is valid until the next read.
/// </summary>
internal sealed class SpoolBacklogReader : IDisposable
{
    private readonly FrameSpool _spool;
    private readonly string[] _paths;
    private readonly long _endSequence;
    private readonly bool _spilledOnly;
    private byte[]? _buffer;
    private SpoolSegmentReader? _reader;
    private int _next;

    public SpoolBacklogReader(FrameSpool spool, string[] paths, long endSequence, bool spilledOnly = false)
    {
        _spilledOnly = spilledOnly;
        _spool = spool;
        _paths = paths;
        _endSequence = endSequence;
    }

    public bool TryRead(out SpoolRecordHeader header, out ReadOnlyMemory<byte> payload)
    {
        while (true)
        {
            if (_reader is null)
            {
                if (_next == _paths.Length)
                {
                    header = default;
                    payload = default;
                    return false;
                }

                try
                {
                    _reader = new SpoolSegmentReader(_paths[_next++], _buffer);
                }
                catch (FileNotFoundException)
                {
                    continue;
                }
            }

            if (_reader.TryReadNext(out header, out payload) != SpoolReadResult.Record || header.Sequence >= _endSequence)
            {
                _buffer = _reader.Buffer;
                _reader.Dispose();
                _reader = null;
                continue;
            }

            if (_spilledOnly ? _spool.IsSpilledWaiting(header.Sequence) : !_spool.IsReleased(header.Sequence))
            {
                return true;
            }
        }
    }

    public void Dispose() => _reader?.Dispose();
}
