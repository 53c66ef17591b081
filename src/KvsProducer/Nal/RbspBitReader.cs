namespace KvsProducer.Nal;

/// <summary>
/// Reads the bits of a NAL unit's payload (RBSP) the way ITU-T H.264 §7.2 / H.265 §7.2 describe them:
/// most significant bit first, with u(n), ue(v) and se(v) codes.
/// </summary>
/// <remarks>
/// Emulation-prevention bytes (the <c>03</c> of <c>00 00 03</c>, H.264 §7.4.1 / H.265 §7.4.2) are
/// skipped as the bytes are read, so a parameter set is parsed in place: no copy, no allocation.
/// Every read names the syntax element it is reading, so that a truncated or corrupt NAL unit fails
/// with a message such as "SPS ends after 52 bits while reading pic_width_in_mbs_minus1".
/// </remarks>
internal ref struct RbspBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _structure;
    private int _nextByte;
    private int _zeroRun;
    private int _current;
    private int _bitsLeftInCurrent;
    private int _bitsRead;

    /// <summary>Creates a reader over <paramref name="nalUnit"/>, starting at its first byte (the NAL header).</summary>
    /// <param name="nalUnit">The NAL unit without start code or length prefix.</param>
    /// <param name="structure">What is being parsed ("SPS", "PPS", "slice header"): used in error messages.</param>
    public RbspBitReader(ReadOnlySpan<byte> nalUnit, string structure)
    {
        _data = nalUnit;
        _structure = structure;
    }

    /// <summary>How many RBSP bits were read so far (emulation-prevention bytes not counted).</summary>
    public readonly int BitsRead => _bitsRead;

    /// <summary>Reads one bit, u(1).</summary>
    public bool ReadFlag(string element) => ReadBit(element) != 0;

    /// <summary>Reads an unsigned integer of <paramref name="count"/> bits (0 to 32), u(n).</summary>
    public uint ReadBits(int count, string element)
    {
        if ((uint)count > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "u(n) reads 0 to 32 bits.");
        }

        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            value = (value << 1) | (uint)ReadBit(element);
        }

        return value;
    }

    /// <summary>Skips <paramref name="count"/> bits.</summary>
    public void Skip(int count, string element)
    {
        for (var i = 0; i < count; i++)
        {
            ReadBit(element);
        }
    }

    /// <summary>Reads an unsigned Exp-Golomb code, ue(v) (H.264 §9.1): values up to 2^32 − 2.</summary>
    public uint ReadUe(string element)
    {
        var leadingZeros = 0;
        while (ReadBit(element) == 0)
        {
            leadingZeros++;
            if (leadingZeros > 31)
            {
                throw new InvalidDataException(
                    $"{_structure} has an Exp-Golomb code longer than 32 bits at bit {_bitsRead} while reading {element}: the NAL unit is corrupt.");
            }
        }

        return leadingZeros == 0 ? 0 : (uint)((1UL << leadingZeros) - 1 + ReadBits(leadingZeros, element));
    }

    /// <summary>Reads an unsigned Exp-Golomb code and checks it is at most <paramref name="max"/>.</summary>
    public int ReadUe(string element, int max)
    {
        var value = ReadUe(element);
        if (value > (uint)max)
        {
            throw new InvalidDataException($"{_structure} has {element} = {value}, above the maximum {max} the standard allows: the NAL unit is corrupt or not of this codec.");
        }

        return (int)value;
    }

    /// <summary>Reads a signed Exp-Golomb code, se(v) (H.264 §9.1.1).</summary>
    public int ReadSe(string element)
    {
        var code = ReadUe(element);
        return (code & 1) != 0 ? (int)((code + 1) / 2) : -(int)(code / 2);
    }

    private int ReadBit(string element)
    {
        if (_bitsLeftInCurrent == 0)
        {
            LoadNextByte(element);
        }

        _bitsLeftInCurrent--;
        _bitsRead++;
        return (_current >> _bitsLeftInCurrent) & 1;
    }

    private void LoadNextByte(string element)
    {
        if (_nextByte >= _data.Length)
        {
            throw Truncated(element);
        }

        var value = _data[_nextByte++];
        if (_zeroRun >= 2 && value == 0x03)
        {
            // H.264 §7.4.1: emulation_prevention_three_byte, not part of the RBSP.
            _zeroRun = 0;
            if (_nextByte >= _data.Length)
            {
                throw Truncated(element);
            }

            value = _data[_nextByte++];
        }

        _zeroRun = value == 0 ? _zeroRun + 1 : 0;
        _current = value;
        _bitsLeftInCurrent = 8;
    }

    private readonly InvalidDataException Truncated(string element) =>
        new($"{_structure} ends after {_bitsRead} bits while reading {element}: the NAL unit is truncated (was it cut at a false start code, or is the frame incomplete?).");
}
