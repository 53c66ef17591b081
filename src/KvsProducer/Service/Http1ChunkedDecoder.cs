using System.Buffers;

namespace KvsProducer.Service;

/// <summary>What one <see cref="Http1ChunkedDecoder.Decode"/> step produced.</summary>
internal enum Http1ChunkStep
{
    /// <summary>A piece of chunk data (a slice of the input, not a copy).</summary>
    Data,

    /// <summary>The input ends inside framing: read more bytes and call again with them appended.</summary>
    NeedMoreData,

    /// <summary>The last chunk and the trailer section were read: the body is complete.</summary>
    End,
}

/// <summary>
/// Decodes <c>Transfer-Encoding: chunked</c> (RFC 9112 §7.1) from buffered bytes, one step at a time: a pure state
/// machine over <see cref="SequenceReader{T}"/> that hands back slices of its input and never copies data.
/// </summary>
internal sealed class Http1ChunkedDecoder
{
    /// <summary>Bound on a chunk-size line including extensions; KVS sends none (captured ACK chunks look like <c>7e\r\n</c>).</summary>
    public const int MaxChunkSizeLine = 128;

    /// <summary>Bound on the trailer section after the last chunk.</summary>
    public const int MaxTrailerBytes = 64 * 1024;

    // 15 hex digits = 2^60 - 1 bytes: fits a long, and no real chunk comes near it.
    private const int MaxSizeDigits = 15;

    private State _state;
    private long _remaining;
    private long _offset;
    private int _trailerBytes;
    private long _lineStart;

    private enum State
    {
        Size,
        Data,
        DataEnd,
        Trailer,
        Done,
    }

    /// <summary>True once the terminating chunk and trailers were read.</summary>
    public bool IsComplete => _state == State.Done;

    /// <summary>Bytes of the chunked body consumed so far (for error messages).</summary>
    public long Offset => _offset;

    /// <summary>
    /// Consumes framing from <paramref name="reader"/> until it can return a piece of data, needs more bytes, or the
    /// body ends. The reader is left after what was consumed; on <see cref="Http1ChunkStep.NeedMoreData"/> the unread
    /// bytes must be presented again with more appended.
    /// </summary>
    public Http1ChunkStep Decode(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> data)
    {
        data = default;
        while (true)
        {
            switch (_state)
            {
                case State.Size:
                    if (!TryReadLine(ref reader, MaxChunkSizeLine, "chunk-size line", out var sizeLine))
                    {
                        return Http1ChunkStep.NeedMoreData;
                    }

                    _remaining = ParseChunkSize(sizeLine);
                    _state = _remaining == 0 ? State.Trailer : State.Data;
                    break;

                case State.Data:
                    if (reader.End)
                    {
                        return Http1ChunkStep.NeedMoreData;
                    }

                    var take = Math.Min(_remaining, reader.Remaining);
                    data = reader.UnreadSequence.Slice(0, take);
                    reader.Advance(take);
                    _offset += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.DataEnd;
                    }

                    return Http1ChunkStep.Data;

                case State.DataEnd:
                    if (!reader.TryPeek(out var first))
                    {
                        return Http1ChunkStep.NeedMoreData;
                    }

                    if (first == (byte)'\r')
                    {
                        if (!reader.TryPeek(1, out var second))
                        {
                            return Http1ChunkStep.NeedMoreData;
                        }

                        if (second != (byte)'\n')
                        {
                            throw Malformed("chunk data is not followed by CRLF (is the chunk longer than its size line says?)", reader.UnreadSequence);
                        }

                        reader.Advance(2);
                        _offset += 2;
                    }
                    else if (first == (byte)'\n')
                    {
                        reader.Advance(1);
                        _offset += 1;
                    }
                    else
                    {
                        throw Malformed("chunk data is not followed by CRLF (is the chunk longer than its size line says?)", reader.UnreadSequence);
                    }

                    _state = State.Size;
                    break;

                case State.Trailer:
                    var before = _offset;
                    if (!TryReadLine(ref reader, MaxTrailerBytes - _trailerBytes, "trailer section", out var trailerLine))
                    {
                        return Http1ChunkStep.NeedMoreData;
                    }

                    _trailerBytes += (int)(_offset - before);
                    if (trailerLine.IsEmpty)
                    {
                        _state = State.Done;
                        return Http1ChunkStep.End;
                    }

                    // Trailer fields carry nothing KVS uses; they are bounded and skipped.
                    break;

                default:
                    return Http1ChunkStep.End;
            }
        }
    }

    private bool TryReadLine(ref SequenceReader<byte> reader, int maxLength, string what, out ReadOnlySequence<byte> line)
    {
        var unread = reader.UnreadSequence;
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            if (reader.Remaining > maxLength)
            {
                throw Malformed($"{what} longer than {maxLength} bytes", unread);
            }

            return false;
        }

        if (line.Length + 1 > maxLength)
        {
            throw Malformed($"{what} longer than {maxLength} bytes", unread);
        }

        _lineStart = _offset;
        _offset += line.Length + 1;
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }

        return true;
    }

    // RFC 9112 §7.1: chunk-size = 1*HEXDIG, then optional chunk-ext (";" ...), which we skip.
    private long ParseChunkSize(ReadOnlySequence<byte> line)
    {
        Span<byte> copy = stackalloc byte[MaxChunkSizeLine];
        line.CopyTo(copy);
        var span = copy[..(int)line.Length];
        long size = 0;
        var digits = 0;
        for (; digits < span.Length; digits++)
        {
            var value = HexValue(span[digits]);
            if (value < 0)
            {
                break;
            }

            if (digits == MaxSizeDigits)
            {
                throw Malformed($"chunk size has more than {MaxSizeDigits} hex digits", line, _lineStart);
            }

            size = (size << 4) | (uint)value;
        }

        if (digits == 0)
        {
            throw Malformed("chunk-size line does not start with a hex digit", line, _lineStart);
        }

        if (digits < span.Length && span[digits] is not ((byte)';' or (byte)' ' or (byte)'\t'))
        {
            throw Malformed($"byte 0x{span[digits]:X2} after the chunk size", line, _lineStart);
        }

        return size;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private KvsTransportException Malformed(string what, ReadOnlySequence<byte> near, long? offset = null) =>
        HttpWireText.Malformed($"chunked response body: {what}", offset ?? _offset, near);
}
