using System.Buffers;
using System.Buffers.Binary;
using KvsProducer.Nal;

namespace KvsProducer.Mkv;

/// <summary>
/// The NAL unit extents of the frame being packaged, found in one scan and kept in arrays reused from
/// frame to frame (they grow only when a frame has more NAL units than any before it). Knowing the
/// extents first gives the SimpleBlock size up front, so the conversion to length prefixes then happens
/// in the one copy into the destination.
/// </summary>
internal sealed class FrameNalUnits
{
    private int[] _offsets = new int[64];
    private int[] _lengths = new int[64];

    public int Count { get; private set; }

    /// <summary>Bytes the frame takes once every NAL unit carries a 4-byte length prefix.</summary>
    public int LengthPrefixedSize { get; private set; }

    public ReadOnlySpan<int> Offsets => _offsets.AsSpan(0, Count);

    public ReadOnlySpan<int> Lengths => _lengths.AsSpan(0, Count);

    /// <summary>Finds the NAL units of <paramref name="frame"/>; throws <see cref="FrameRejectedException"/> when they are malformed.</summary>
    public void Scan(ReadOnlySpan<byte> frame, NalUnitFormat format)
    {
        Count = 0;
        LengthPrefixedSize = 0;
        if (format == NalUnitFormat.AnnexB)
        {
            ScanAnnexB(frame);
        }
        else
        {
            ScanLengthPrefixed(frame);
        }

        if (Count == 0)
        {
            throw new FrameRejectedException(FrameRejectionReason.MalformedNalUnits,
                $"The {frame.Length}-byte frame holds no NAL unit: pass one encoded access unit per frame.");
        }
    }

    /// <summary>Writes the NAL units with 4-byte big-endian length prefixes: the payload's one copy.</summary>
    public void WriteLengthPrefixed(IBufferWriter<byte> output, ReadOnlySpan<byte> frame)
    {
        for (var i = 0; i < Count; i++)
        {
            var prefix = output.GetSpan(4);
            BinaryPrimitives.WriteInt32BigEndian(prefix, _lengths[i]);
            output.Advance(4);
            Copy(output, frame.Slice(_offsets[i], _lengths[i]));
        }
    }

    /// <summary>Copies <paramref name="source"/> in pieces as large as the writer's spans (a store may hand out short segments).</summary>
    public static void Copy(IBufferWriter<byte> output, ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            var span = output.GetSpan(1);
            var length = Math.Min(span.Length, source.Length);
            source[..length].CopyTo(span);
            output.Advance(length);
            source = source[length..];
        }
    }

    private void ScanAnnexB(ReadOnlySpan<byte> frame)
    {
        var reader = new AnnexBReader(frame);
        while (reader.TryReadNext(out var offset, out var length))
        {
            Add(offset, length);
        }

        if (reader.LeadingGarbageLength > 0)
        {
            throw new FrameRejectedException(FrameRejectionReason.MalformedNalUnits,
                $"The frame starts with {reader.LeadingGarbageLength} bytes that are not a start code (00 00 01): the track is declared Annex-B; pass whole access units with start codes, or declare NalUnitFormat.LengthPrefixed.");
        }
    }

    private void ScanLengthPrefixed(ReadOnlySpan<byte> frame)
    {
        var position = 0;
        while (position < frame.Length)
        {
            if (frame.Length - position < 4)
            {
                throw new FrameRejectedException(FrameRejectionReason.MalformedNalUnits,
                    $"The length-prefixed frame ends with {frame.Length - position} stray bytes at offset {position}: each NAL unit needs a 4-byte length prefix.");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(frame[position..]);
            if (length <= 0 || length > frame.Length - position - 4)
            {
                throw new FrameRejectedException(FrameRejectionReason.MalformedNalUnits,
                    $"The NAL unit at offset {position} declares {length} bytes but {frame.Length - position - 4} remain: the frame is truncated or not length-prefixed (declare NalUnitFormat.AnnexB for start codes).");
            }

            Add(position + 4, length);
            position += 4 + length;
        }
    }

    private void Add(int offset, int length)
    {
        if (Count == _offsets.Length)
        {
            Array.Resize(ref _offsets, _offsets.Length * 2);
            Array.Resize(ref _lengths, _lengths.Length * 2);
        }

        _offsets[Count] = offset;
        _lengths[Count] = length;
        Count++;
        LengthPrefixedSize += 4 + length;
    }
}
