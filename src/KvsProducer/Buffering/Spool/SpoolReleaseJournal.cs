using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace KvsProducer.Buffering.Spool;

/// <summary>
/// <c>released.log</c>: which records the service has PERSISTED (or that were given up for good), so a restart does
/// not upload them again. Append-only entries of 24 bytes, little-endian: magic u32 "KVSR" · CRC-32 of bytes 8..23 ·
/// from i64 · to i64 (inclusive). A torn or damaged entry ends the journal (it is cut there): at worst a range is
/// uploaded again after a power cut, never lost. Rewritten whole (temp file, fsync, rename) when segments are deleted.
/// </summary>
internal sealed class SpoolReleaseJournal : IDisposable
{
    public const string FileName = "released.log";
    private const uint Magic = 0x5253564B; // "KVSR"
    private const int EntrySize = 24;

    private readonly string _path;
    private readonly byte[] _entry = new byte[EntrySize];
    private SafeFileHandle _file;
    private long _length;

    private SpoolReleaseJournal(string path, SafeFileHandle file, long length)
    {
        _path = path;
        _file = file;
        _length = length;
    }

    /// <summary>Opens (or creates) the journal in <paramref name="directory"/> and adds its ranges to <paramref name="released"/>; returns bytes cut from a bad tail in <paramref name="truncated"/>.</summary>
    public static SpoolReleaseJournal Open(string directory, SequenceRanges released, out long truncated)
    {
        var path = Path.Combine(directory, FileName);
        var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        long length = RandomAccess.GetLength(file);
        var bytes = new byte[length];
        RandomAccess.Read(file, bytes, 0);
        long valid = 0;
        while (valid + EntrySize <= length && TryRead(bytes.AsSpan((int)valid, EntrySize), out var range))
        {
            released.Add(range.From, range.To);
            valid += EntrySize;
        }

        truncated = length - valid;
        if (truncated > 0)
        {
            RandomAccess.SetLength(file, valid);
        }

        return new SpoolReleaseJournal(path, file, valid);
    }

    /// <summary>Records that [<paramref name="from"/>, <paramref name="to"/>] are released.</summary>
    public void Append(long from, long to, bool sync)
    {
        Encode(_entry, from, to);
        RandomAccess.Write(_file, _entry, _length);
        _length += EntrySize;
        if (sync)
        {
            RandomAccess.FlushToDisk(_file);
        }
    }

    /// <summary>Replaces the journal with exactly <paramref name="ranges"/> (after segments were deleted), atomically.</summary>
    public void Rewrite(IReadOnlyList<SequenceRange> ranges)
    {
        var temporary = _path + ".tmp";
        var bytes = new byte[ranges.Count * EntrySize];
        for (int i = 0; i < ranges.Count; i++)
        {
            Encode(bytes.AsSpan(i * EntrySize, EntrySize), ranges[i].From, ranges[i].To);
        }

        using (var file = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(file, bytes, 0);
            RandomAccess.FlushToDisk(file);
        }

        _file.Dispose();
        File.Move(temporary, _path, overwrite: true);
        _file = File.OpenHandle(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        _length = bytes.Length;
    }

    public void Sync() => RandomAccess.FlushToDisk(_file);

    public void Dispose() => _file.Dispose();

    private static void Encode(Span<byte> entry, long from, long to)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(entry[8..], from);
        BinaryPrimitives.WriteInt64LittleEndian(entry[16..], to);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], Crc32.HashToUInt32(entry[8..EntrySize]));
    }

    private static bool TryRead(ReadOnlySpan<byte> entry, out SequenceRange range)
    {
        range = new SequenceRange(BinaryPrimitives.ReadInt64LittleEndian(entry[8..]), BinaryPrimitives.ReadInt64LittleEndian(entry[16..]));
        return BinaryPrimitives.ReadUInt32LittleEndian(entry) == Magic
            && BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]) == Crc32.HashToUInt32(entry[8..EntrySize])
            && range.From >= 0 && range.To >= range.From;
    }
}
