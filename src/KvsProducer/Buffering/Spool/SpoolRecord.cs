using System.Buffers.Binary;
using System.IO.Hashing;

namespace KvsProducer.Buffering.Spool;

/// <summary>
/// The on-disk shape of one frame in a spool segment file (docs/disk-buffer.md), little-endian:
/// <code>
///  0  magic    u32  "KVSP"
///  4  crc32    u32  CRC-32 (IEEE) of bytes 8 .. end of payload
///  8  version  u8   1
///  9  kind     u8   1 = frame
/// 10  track    u16
/// 12  length   u32  payload bytes
/// 16  sequence u64
/// 24  pts      i64  100 ns ticks
/// 32  dts      i64
/// 40  duration i64
/// 48  flags    u32
/// 52  reserved u32  0
/// 56  payload
/// </code>
/// A record is valid only if its magic, version, kind, bounded length and CRC all check: a torn write
/// (power cut, kill -9 mid-write) or a flipped bit anywhere in it fails the CRC.
/// </summary>
internal static class SpoolRecord
{
    public const uint Magic = 0x5053564B; // "KVSP" read as a little-endian u32
    public const byte Version = 1;
    public const byte FrameKind = 1;
    public const int HeaderSize = 56;

    /// <summary>The largest payload a record may claim; a length beyond it is corruption, never trusted (STYLE.md: bound lengths from the wire).</summary>
    public const int MaxPayloadLength = 256 << 20;

    /// <summary>Writes the record for <paramref name="header"/> and <paramref name="payload"/> into <paramref name="destination"/>; returns its length.</summary>
    public static int Write(Span<byte> destination, in SpoolRecordHeader header, ReadOnlySpan<byte> payload)
    {
        if (payload.Length != header.PayloadLength || payload.Length > MaxPayloadLength)
        {
            throw new ArgumentException($"The payload is {payload.Length} bytes; the header says {header.PayloadLength} (at most {MaxPayloadLength}).", nameof(payload));
        }

        var record = destination[..header.RecordLength];
        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        record[8] = Version;
        record[9] = FrameKind;
        BinaryPrimitives.WriteUInt16LittleEndian(record[10..], checked((ushort)header.TrackNumber));
        BinaryPrimitives.WriteInt32LittleEndian(record[12..], payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], header.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(record[24..], header.PresentationTicks);
        BinaryPrimitives.WriteInt64LittleEndian(record[32..], header.DecodingTicks);
        BinaryPrimitives.WriteInt64LittleEndian(record[40..], header.DurationTicks);
        BinaryPrimitives.WriteInt32LittleEndian(record[48..], (int)header.Flags);
        BinaryPrimitives.WriteInt32LittleEndian(record[52..], 0);
        payload.CopyTo(record[HeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(record[8..]));
        return record.Length;
    }

    /// <summary>
    /// Reads a record header from the first <see cref="HeaderSize"/> bytes of <paramref name="bytes"/>; false when it is not
    /// one (bad magic, version or kind, or a length over <see cref="MaxPayloadLength"/>). The CRC is checked by <see cref="CrcMatches"/>
    /// once the payload is read.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> bytes, out SpoolRecordHeader header)
    {
        header = default;
        if (bytes.Length < HeaderSize
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic
            || bytes[8] != Version
            || bytes[9] != FrameKind)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        if (length is < 0 or > MaxPayloadLength)
        {
            return false;
        }

        header = new SpoolRecordHeader(
            BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes[10..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[40..]),
            (FrameFlags)BinaryPrimitives.ReadInt32LittleEndian(bytes[48..]),
            length);
        return true;
    }

    /// <summary>True when the CRC stored in <paramref name="record"/> (header and payload, whole) matches its bytes.</summary>
    public static bool CrcMatches(ReadOnlySpan<byte> record)
        => record.Length >= HeaderSize && BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) == Crc32.HashToUInt32(record[8..]);
}
