namespace KvsProducer.Nal;

/// <summary>
/// Walks the NAL units of an Annex-B byte stream held in memory (ITU-T H.264 B.1, H.265 B.2) and
/// yields each unit's extent, without copying and without allocating.
/// </summary>
/// <remarks>
/// A reported NAL unit starts at its header byte (the start code is excluded) and ends at its last
/// non-zero byte: Annex B puts <c>zero_byte</c> of a 4-byte start code and any
/// <c>trailing_zero_8bits</c> between units, and a NAL unit never ends in <c>00</c> (it ends in
/// <c>rbsp_trailing_bits</c> or an emulation-prevention <c>03</c>), so trimming zeros is exact.
/// Units that are empty after trimming (a start code followed by a start code) are skipped.
/// </remarks>
internal ref struct AnnexBReader
{
    private const int StartCodeLength = 3;

    private readonly ReadOnlySpan<byte> _data;

    // Index of the byte after the next start code (the next unit's header), or _data.Length when done.
    private int _next;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    public AnnexBReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        int first = AnnexB.IndexOfStartCode(data);
        int prefixEnd = first < 0 ? data.Length : first;

        // H.264 B.1: leading_zero_8bits may precede the first start code; anything else is not Annex B
        // (an AVCC length prefix, a container header, a truncated stream).
        LeadingGarbageLength = data[..prefixEnd].LastIndexOfAnyExcept((byte)0) + 1;
        _next = first < 0 ? data.Length : first + StartCodeLength;
    }

    /// <summary>
    /// Bytes before the first start code that are not leading zeros: 0 for a well-formed stream.
    /// When there is no start code at all this covers the whole input up to its last non-zero byte.
    /// </summary>
    public int LeadingGarbageLength { get; }

    /// <summary>
    /// Moves to the next non-empty NAL unit; <paramref name="offset"/> and <paramref name="length"/>
    /// locate it inside the data given to the constructor.
    /// </summary>
    /// <returns>False when there are no more NAL units.</returns>
    public bool TryReadNext(out int offset, out int length)
    {
        while (_next < _data.Length)
        {
            int begin = _next;
            int found = AnnexB.IndexOfStartCode(_data[begin..]);
            int end = found < 0 ? _data.Length : begin + found;
            _next = found < 0 ? _data.Length : end + StartCodeLength;

            int unitLength = _data[begin..end].LastIndexOfAnyExcept((byte)0) + 1;
            if (unitLength > 0)
            {
                offset = begin;
                length = unitLength;
                return true;
            }
        }

        offset = _data.Length;
        length = 0;
        return false;
    }
}
