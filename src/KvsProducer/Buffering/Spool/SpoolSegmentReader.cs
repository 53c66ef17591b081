using Microsoft.Win32.SafeHandles;

namespace KvsProducer.Buffering.Spool;

/// <summary>
/// Reads one segment file's records in order, checking each one whole (header bounds, then CRC over header and
/// payload) before handing it out. The payload is valid until the next read (one reused buffer).
/// </summary>
internal sealed class SpoolSegmentReader : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly long _length;
    private byte[] _buffer;

    public SpoolSegmentReader(string path, byte[]? buffer = null)
    {
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _length = RandomAccess.GetLength(_file);
        _buffer = buffer ?? new byte[64 * 1024];
    }

    /// <summary>Where the next record starts: after a <see cref="SpoolReadResult.Corrupt"/> result, where the file should be cut.</summary>
    public long Offset { get; private set; }

    /// <summary>The file's length when the reader opened it.</summary>
    public long Length => _length;

    /// <summary>The buffer, possibly grown: hand it to the next reader to keep reads allocation-free.</summary>
    public byte[] Buffer => _buffer;

    public SpoolReadResult TryReadNext(out SpoolRecordHeader header, out ReadOnlyMemory<byte> payload)
    {
        header = default;
        payload = default;
        long left = _length - Offset;
        if (left == 0)
        {
            return SpoolReadResult.End;
        }

        if (left < SpoolRecord.HeaderSize
            || RandomAccess.Read(_file, _buffer.AsSpan(0, SpoolRecord.HeaderSize), Offset) != SpoolRecord.HeaderSize
            || !SpoolRecord.TryReadHeader(_buffer, out header)
            || header.RecordLength > left)
        {
            return SpoolReadResult.Corrupt;
        }

        if (_buffer.Length < header.RecordLength)
        {
            var bigger = new byte[Math.Max(header.RecordLength, _buffer.Length * 2)];
            _buffer.AsSpan(0, SpoolRecord.HeaderSize).CopyTo(bigger);
            _buffer = bigger;
        }

        var rest = _buffer.AsSpan(SpoolRecord.HeaderSize, header.PayloadLength);
        if (RandomAccess.Read(_file, rest, Offset + SpoolRecord.HeaderSize) != rest.Length
            || !SpoolRecord.CrcMatches(_buffer.AsSpan(0, header.RecordLength)))
        {
            return SpoolReadResult.Corrupt;
        }

        payload = _buffer.AsMemory(SpoolRecord.HeaderSize, header.PayloadLength);
        Offset += header.RecordLength;
        return SpoolReadResult.Record;
    }

    public void Dispose() => _file.Dispose();
}
