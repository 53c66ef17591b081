using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace KvsProducer.Service;

/// <summary>
/// Parses the PutMedia ACK stream (the PutMedia API reference): JSON objects separated by newlines, arriving in pieces
/// of any size. Append the de-chunked body bytes, then take ACKs with <see cref="TryRead"/> until it returns false.
/// Tolerates whitespace and CRLF between objects, any field order, unknown fields (skipped, nested ones too), and
/// numbers sent as strings (as the PIC parser does). Steady state allocates nothing per ACK except a fragment
/// number string once per fragment (the BUFFERING/RECEIVED/PERSISTED ACKs of one fragment share it).
/// </summary>
internal sealed class AckParser
{
    /// <summary>
    /// An ACK is ~130 bytes; the PIC rejects more than 1024 per piece (the PutMedia API reference). One unfinished object
    /// larger than this is an error, not a reason to keep buffering.
    /// </summary>
    public const int MaxAckBytes = 16 * 1024;

    // the PutMedia API reference: FragmentNumber is at most 128 characters.
    private const int MaxCachedFragmentNumber = 128;
    private const int FragmentNumberCacheSize = 4;
    private const int MaxExcerpt = 200;

    private readonly byte[][] _numberBytes = new byte[FragmentNumberCacheSize][];
    private readonly int[] _numberLengths = new int[FragmentNumberCacheSize];
    private readonly string?[] _numbers = new string?[FragmentNumberCacheSize];
    private int _nextSlot;

    private byte[] _buffer = new byte[1024];
    private int _start;
    private int _end;
    private long _consumed;

    /// <summary>ACK stream bytes parsed so far (for error messages).</summary>
    public long Consumed => _consumed;

    /// <summary>Buffers a piece of the ACK stream.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        Reserve(data.Length);
        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Buffers a piece of the ACK stream.</summary>
    public void Append(ReadOnlySequence<byte> data)
    {
        Reserve(checked((int)data.Length));
        data.CopyTo(_buffer.AsSpan(_end));
        _end += (int)data.Length;
    }

    /// <summary>
    /// Takes the next complete ACK from the buffered bytes; false when none is complete yet. Throws
    /// <see cref="KvsTransportException"/> (MalformedAck) with the offending text when the bytes are not an ACK.
    /// </summary>
    public bool TryRead(out FragmentAck ack)
    {
        ack = default;
        SkipWhitespace();
        if (_start == _end)
        {
            return false;
        }

        var span = _buffer.AsSpan(_start, _end - _start);
        var reader = new Utf8JsonReader(span, isFinalBlock: false, state: default);
        bool complete;
        try
        {
            complete = TryParseObject(ref reader, out ack);
        }
        catch (JsonException e)
        {
            throw Malformed($"not valid JSON ({e.Message})", span, e);
        }

        if (!complete)
        {
            if (span.Length > MaxAckBytes)
            {
                throw Malformed($"an ACK object longer than {MaxAckBytes} bytes without its closing brace", span);
            }

            return false;
        }

        _start += (int)reader.BytesConsumed;
        _consumed += reader.BytesConsumed;
        return true;
    }

    /// <summary>At the end of the response body: throws if an unfinished ACK is left over.</summary>
    public void Complete()
    {
        SkipWhitespace();
        if (_start != _end)
        {
            throw Malformed("the response ended inside an ACK object", _buffer.AsSpan(_start, _end - _start));
        }
    }

    private bool TryParseObject(ref Utf8JsonReader reader, out FragmentAck ack)
    {
        ack = default;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Malformed("an ACK must be a JSON object starting with '{'", _buffer.AsSpan(_start, _end - _start));
        }

        FragmentAckEventType? eventType = null;
        var timecode = FragmentAck.NoTimecode;
        var fragmentNumber = string.Empty;
        int? errorId = null;
        string? errorCode = null;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            // Only property names can appear here in a valid object; Utf8JsonReader enforces that.
            var field = Field(ref reader);
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (!reader.TrySkip())
                {
                    return false;
                }

                if (field != AckField.Unknown)
                {
                    throw Malformed($"field {field} holds an object or array", _buffer.AsSpan(_start, _end - _start));
                }

                continue;
            }

            switch (field)
            {
                case AckField.EventType:
                    eventType = ParseEventType(ref reader);
                    break;
                case AckField.FragmentTimecode:
                    timecode = ParseTimecode(ref reader);
                    break;
                case AckField.FragmentNumber:
                    fragmentNumber = ParseFragmentNumber(ref reader);
                    break;
                case AckField.ErrorId:
                    errorId = ParseErrorId(ref reader);
                    break;
                case AckField.ErrorCode:
                    errorCode = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    break;
                default:
                    break; // unknown scalar field: ignored (the PutMedia API reference, the PIC skips unknown keys)
            }
        }

        if (eventType is null)
        {
            throw Malformed("the object has no EventType", _buffer.AsSpan(_start, (int)reader.BytesConsumed));
        }

        ack = new FragmentAck(eventType.Value, timecode, fragmentNumber, errorId, errorCode);
        return true;
    }

    private enum AckField
    {
        Unknown,
        EventType,
        FragmentTimecode,
        FragmentNumber,
        ErrorId,
        ErrorCode,
    }

    private static AckField Field(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("EventType"u8) ? AckField.EventType
        : reader.ValueTextEquals("FragmentTimecode"u8) ? AckField.FragmentTimecode
        : reader.ValueTextEquals("FragmentNumber"u8) ? AckField.FragmentNumber
        : reader.ValueTextEquals("ErrorId"u8) ? AckField.ErrorId
        : reader.ValueTextEquals("ErrorCode"u8) ? AckField.ErrorCode
        : AckField.Unknown;

    private FragmentAckEventType ParseEventType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.ValueTextEquals("BUFFERING"u8))
            {
                return FragmentAckEventType.Buffering;
            }

            if (reader.ValueTextEquals("RECEIVED"u8))
            {
                return FragmentAckEventType.Received;
            }

            if (reader.ValueTextEquals("PERSISTED"u8))
            {
                return FragmentAckEventType.Persisted;
            }

            if (reader.ValueTextEquals("ERROR"u8))
            {
                return FragmentAckEventType.Error;
            }

            if (reader.ValueTextEquals("IDLE"u8))
            {
                return FragmentAckEventType.Idle;
            }
        }

        throw Malformed("EventType is not one of BUFFERING, RECEIVED, PERSISTED, ERROR, IDLE", _buffer.AsSpan(_start, _end - _start));
    }

    private ulong ParseTimecode(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetUInt64(out var value))
            {
                return value;
            }

            if (reader.TryGetInt64(out var signed) && signed == -1)
            {
                return FragmentAck.NoTimecode; // the PutMedia API reference: 4006 errors carry -1
            }
        }
        else if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
        {
            var text = reader.ValueSpan;
            if (Utf8Parser.TryParse(text, out ulong value, out var used) && used == text.Length)
            {
                return value;
            }

            if (text.SequenceEqual("-1"u8))
            {
                return FragmentAck.NoTimecode;
            }
        }
        else if (reader.TokenType == JsonTokenType.Null)
        {
            return FragmentAck.NoTimecode;
        }

        throw Malformed("FragmentTimecode is not an unsigned integer", _buffer.AsSpan(_start, _end - _start));
    }

    private int ParseErrorId(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var id))
        {
            return id;
        }

        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out int parsed, out var used) && used == reader.ValueSpan.Length)
        {
            return parsed;
        }

        throw Malformed("ErrorId is not an integer", _buffer.AsSpan(_start, _end - _start));
    }

    // The doc's schematic example types FragmentNumber as a Long (the PutMedia API reference), so a number is accepted too.
    private string ParseFragmentNumber(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return string.Empty;
        }

        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number))
        {
            throw Malformed("FragmentNumber is not a string", _buffer.AsSpan(_start, _end - _start));
        }

        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return reader.GetString()!;
        }

        var text = reader.ValueSpan;
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        for (var i = 0; i < FragmentNumberCacheSize; i++)
        {
            if (_numbers[i] is { } cached && text.SequenceEqual(_numberBytes[i].AsSpan(0, _numberLengths[i])))
            {
                return cached;
            }
        }

        var number = Encoding.UTF8.GetString(text);
        if (text.Length <= MaxCachedFragmentNumber)
        {
            var slot = _nextSlot;
            _nextSlot = (slot + 1) % FragmentNumberCacheSize;
            var bytes = _numberBytes[slot] ??= new byte[MaxCachedFragmentNumber];
            text.CopyTo(bytes);
            _numberLengths[slot] = text.Length;
            _numbers[slot] = number;
        }

        return number;
    }

    private void SkipWhitespace()
    {
        while (_start < _end && _buffer[_start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            _start++;
            _consumed++;
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    private void Reserve(int count)
    {
        if (_start > 0 && _end + count > _buffer.Length)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + count));
        }
    }

    private KvsTransportException Malformed(string what, ReadOnlySpan<byte> text, Exception? inner = null)
    {
        var line = text.IndexOf((byte)'\n') is var newline and >= 0 ? text[..newline] : text;
        var excerpt = Encoding.UTF8.GetString(line[..Math.Min(line.Length, MaxExcerpt)]).TrimEnd('\r');
        var more = line.Length > MaxExcerpt ? "…" : string.Empty;
        return new KvsTransportException(KvsTransportFailure.MalformedAck, $"Malformed PutMedia ACK at byte {_consumed} of the ACK stream: {what}: '{excerpt}{more}'.", inner);
    }
}
