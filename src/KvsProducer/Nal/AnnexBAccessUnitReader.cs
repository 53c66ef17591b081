using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace KvsProducer.Nal;

/// <summary>
/// Reads a raw Annex-B elementary stream (an <c>.h264</c> / <c>.h265</c> file, a pipe from an encoder)
/// one access unit (one coded picture with its parameter sets and SEI) at a time.
/// </summary>
/// <remarks>
/// The stream is read incrementally into a pooled buffer that grows up to the largest access unit
/// seen, bounded by the maximum access-unit size: the file is never loaded whole. Access-unit
/// boundaries follow H.264 §7.4.1.2.3 and H.265 §7.4.2.4.4: after a slice of the current access unit,
/// an AUD, parameter set, prefix SEI (and the other NAL unit types listed there) or a slice that
/// begins a new picture starts the next access unit. A new picture is recognised by
/// <c>first_mb_in_slice == 0</c> (H.264) or <c>first_slice_segment_in_pic_flag == 1</c> (H.265),
/// which holds for every stream without arbitrary slice order.
/// </remarks>
internal sealed class AnnexBAccessUnitReader : IDisposable
{
    /// <summary>The default bound on one access unit: far above any 4K intra picture at camera bit rates.</summary>
    public const int DefaultMaxAccessUnitSize = 16 * 1024 * 1024;

    private const int StartCodeLength = 3;
    private const int InitialBufferSize = 64 * 1024;

    // Bytes needed after a start code to classify a NAL unit: the header (1 byte H.264, 2 bytes
    // H.265) and the first byte of the slice header.
    private const int ClassifyLength = 3;

    // The buffer holds one access unit plus the start of the next NAL unit (zero_byte, start code,
    // ClassifyLength bytes), which proves the access unit has ended.
    private const int Lookahead = 1 + StartCodeLength + ClassifyLength;

    private readonly Stream _stream;
    private readonly VideoCodec _codec;
    private readonly int _maxAccessUnitSize;
    private readonly bool _leaveOpen;

    private byte[] _buffer;
    private long _bufferStreamOffset; // stream offset of _buffer[0]
    private int _start;               // first byte of the next access unit
    private int _end;                 // end of the bytes read so far
    private bool _endOfStream;
    private bool _started;
    private bool _disposed;

    /// <summary>Creates a reader of <paramref name="stream"/>, which holds <paramref name="codec"/> in Annex-B form.</summary>
    /// <param name="stream">The elementary stream, read from its current position.</param>
    /// <param name="codec">H.264 or H.265: decides how NAL unit headers are read.</param>
    /// <param name="maxAccessUnitSize">The largest access unit accepted, in bytes.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the reader is disposed.</param>
    public AnnexBAccessUnitReader(Stream stream, VideoCodec codec, int maxAccessUnitSize = DefaultMaxAccessUnitSize, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAccessUnitSize, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxAccessUnitSize, Array.MaxLength - Lookahead);
        _stream = stream;
        _codec = codec;
        _maxAccessUnitSize = maxAccessUnitSize;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, maxAccessUnitSize + Lookahead));
    }

    /// <summary>The current access unit in Annex-B form, start codes included; valid until the next read.</summary>
    public ReadOnlyMemory<byte> AccessUnit { get; private set; }

    /// <summary>True when the current access unit holds an IDR picture (H.264) or an IRAP picture (H.265).</summary>
    public bool IsRandomAccess { get; private set; }

    /// <summary>The 0-based position of the current access unit in decoding order; -1 before the first read.</summary>
    public long Index { get; private set; } = -1;

    /// <summary>The offset in the stream of the current access unit's first byte.</summary>
    public long StreamOffset { get; private set; }

    /// <summary>Moves to the next access unit.</summary>
    /// <remarks>
    /// The end of the stream ends the last access unit, even inside a truncated NAL unit. Pooled async
    /// state machines keep reads that wait for the stream from allocating per access unit.
    /// </remarks>
    /// <returns>False at the end of the stream (and for an empty stream).</returns>
    /// <exception cref="KvsProducerException">The stream is not Annex-B, or an access unit exceeds the maximum size.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _start += AccessUnit.Length;
        AccessUnit = ReadOnlyMemory<byte>.Empty;
        IsRandomAccess = false;

        if (!_started)
        {
            if (!await SkipToFirstStartCodeAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            _started = true;
        }

        bool sawSlice = false;
        bool randomAccess = false;
        int searchFrom = _start;
        while (true)
        {
            int found = AnnexB.IndexOfStartCode(_buffer.AsSpan(searchFrom, _end - searchFrom));
            if (found < 0)
            {
                if (_endOfStream)
                {
                    // The end of the stream ends the last NAL unit, even a truncated one.
                    return Emit(_end, randomAccess);
                }

                // Keep the last two bytes in the search: they may be the start of a start code.
                searchFrom = Math.Max(_start, _end - (StartCodeLength - 1));
                searchFrom -= await FillAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            int startCode = searchFrom + found;
            int header = startCode + StartCodeLength;
            if (_end - header < ClassifyLength && !_endOfStream)
            {
                searchFrom = startCode;
                searchFrom -= await FillAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            ReadOnlySpan<byte> nalUnit = _buffer.AsSpan(header, Math.Min(ClassifyLength, _end - header));
            int type = NalUnitTypes.TypeOf(_codec, nalUnit);
            if (sawSlice && StartsAccessUnit(nalUnit, type))
            {
                // The zero_byte of a 4-byte start code belongs to the next access unit (H.264 B.1.1: byte_stream_nal_unit begins with it).
                int boundary = startCode > _start && _buffer[startCode - 1] == 0 ? startCode - 1 : startCode;
                return Emit(boundary, randomAccess);
            }

            if (type >= 0 && NalUnitTypes.IsSlice(_codec, type))
            {
                sawSlice = true;
                randomAccess |= NalUnitTypes.IsRandomAccess(_codec, type);
            }

            searchFrom = header;
        }
    }

    /// <summary>Returns the buffer to the pool and, unless asked not to, closes the stream.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        AccessUnit = ReadOnlyMemory<byte>.Empty;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private bool Emit(int end, bool randomAccess)
    {
        int length = end - _start;
        if (_buffer.AsSpan(_start, length).ContainsAnyExcept((byte)0) is false)
        {
            // Only zero bytes (trailing_zero_8bits) were left after the last access unit.
            _start = end;
            return false;
        }

        if (length > _maxAccessUnitSize)
        {
            throw TooLarge();
        }

        Index++;
        StreamOffset = _bufferStreamOffset + _start;
        AccessUnit = _buffer.AsMemory(_start, length);
        IsRandomAccess = randomAccess;
        return true;
    }

    // H.264 §7.4.1.2.3 / H.265 §7.4.2.4.4: the NAL unit types that can only open an access unit,
    // and the first slice of a new picture.
    private bool StartsAccessUnit(ReadOnlySpan<byte> nalUnit, int type)
    {
        if (_codec == VideoCodec.H265)
        {
            if (nalUnit.Length < 2 || ((nalUnit[0] & 1) | (nalUnit[1] >> 3)) != 0)
            {
                return false; // a truncated header, or nuh_layer_id > 0: part of the current access unit
            }

            return type switch
            {
                <= 31 => nalUnit.Length > 2 && (nalUnit[2] & 0x80) != 0, // first_slice_segment_in_pic_flag
                NalUnitTypes.H265Vps or NalUnitTypes.H265Sps or NalUnitTypes.H265Pps => true,
                NalUnitTypes.H265AccessUnitDelimiter or NalUnitTypes.H265PrefixSei => true,
                >= 41 and <= 44 => true, // RSV_NVCL41..44
                >= 48 and <= 55 => true, // UNSPEC48..55
                _ => false,
            };
        }

        return type switch
        {
            // Non-IDR, partition A and IDR slices begin with first_mb_in_slice, ue(v): it is 0 exactly
            // when its first bit is 1. Partitions B and C (3, 4) continue a picture.
            1 or 2 or NalUnitTypes.H264IdrSlice => nalUnit.Length > 1 && (nalUnit[1] & 0x80) != 0,
            NalUnitTypes.H264Sei or NalUnitTypes.H264Sps or NalUnitTypes.H264Pps => true,
            NalUnitTypes.H264AccessUnitDelimiter => true,
            >= 14 and <= 18 => true, // prefix NAL, subset SPS, DPS, reserved
            _ => false,
        };
    }

    // Finds the first start code; what precedes it must be zero bytes (leading_zero_8bits, H.264 B.1).
    private async ValueTask<bool> SkipToFirstStartCodeAsync(CancellationToken cancellationToken)
    {
        int firstNonZero;
        while ((firstNonZero = _buffer.AsSpan(_start, _end - _start).IndexOfAnyExcept((byte)0)) < 0 || _end - _start < 8)
        {
            if (_endOfStream)
            {
                break;
            }

            // Leading zeros carry nothing; drop them so that a long run cannot fill the buffer.
            if (firstNonZero < 0)
            {
                _start = Math.Max(_start, _end - StartCodeLength);
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_end == 0)
        {
            return false; // an empty stream holds no access unit
        }

        if (firstNonZero < 0)
        {
            throw new KvsProducerException(string.Create(
                CultureInfo.InvariantCulture,
                $"The {CodecName} stream holds only zero bytes ({_bufferStreamOffset + _end} bytes): there is no start code and no NAL unit. Check that the file was written completely."));
        }

        int at = _start + firstNonZero;
        if (_buffer[at] != 1 || firstNonZero < 2)
        {
            throw NotAnnexB(at);
        }

        // Keep the zero_byte of a 4-byte start code; drop any further leading zeros.
        _start = Math.Max(_start, at - StartCodeLength);
        return true;
    }

    // Makes room and reads once; returns how far the buffer contents moved down (indices shift by it).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        int shift = 0;
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                shift = _start;
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _bufferStreamOffset += shift;
                _end -= shift;
                _start = 0;
            }
            else
            {
                Grow();
            }
        }

        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _endOfStream = true;
        }

        _end += read;
        return shift;
    }

    private void Grow()
    {
        int limit = _maxAccessUnitSize + Lookahead;
        if (_buffer.Length >= limit)
        {
            throw TooLarge();
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, limit));
        _buffer.AsSpan(0, _end).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private string CodecName => _codec == VideoCodec.H265 ? "H.265" : "H.264";

    private KvsProducerException TooLarge() => new(string.Create(
        CultureInfo.InvariantCulture,
        $"Access unit {Index + 1} of the {CodecName} stream, starting at byte {_bufferStreamOffset + _start}, is larger than the maximum of {_maxAccessUnitSize} bytes. Either the stream is not {CodecName} (no access-unit boundary was found), or its pictures are that large: then raise the maximum access-unit size."));

    private KvsProducerException NotAnnexB(int at)
    {
        ReadOnlySpan<byte> head = _buffer.AsSpan(_start, Math.Min(_end - _start, 8));
        (string filter, string format) = _codec == VideoCodec.H265 ? ("hevc_mp4toannexb", "hevc") : ("h264_mp4toannexb", "h264");
        string found = Convert.ToHexString(head);
        string advice = head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8)
            ? "It looks like an MP4 file"
            : head.Length >= 4 && head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3])
                ? "It looks like a Matroska/WebM file"
                : "If its NAL units carry length prefixes (AVCC/HVCC, as stored in MP4 and MKV) it is not Annex-B";
        return new KvsProducerException(string.Create(
            CultureInfo.InvariantCulture,
            $"The stream is not an {CodecName} Annex-B elementary stream: it must begin with a start code (00 00 01 or 00 00 00 01), but byte {_bufferStreamOffset + at} is 0x{_buffer[at]:X2} (first bytes: {found}). {advice}; extract the raw stream with: ffmpeg -i INPUT -map 0:v:0 -c:v copy -bsf:v {filter} -f {format} OUTPUT.{format}"));
    }
}
