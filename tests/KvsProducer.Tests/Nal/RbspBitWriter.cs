namespace KvsProducer.Tests.Nal;

/// <summary>Writes syntax elements MSB first (u(n), ue(v), se(v)) and adds rbsp trailing bits and emulation prevention.</summary>
internal sealed class RbspBitWriter
{
    private readonly List<bool> _bits = [];

    public RbspBitWriter Bits(long value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            _bits.Add(((value >> i) & 1) != 0);
        }

        return this;
    }

    public RbspBitWriter Ue(long value)
    {
        var codeNum = value + 1;
        var length = 64 - long.LeadingZeroCount(codeNum);
        return Bits(0, (int)length - 1).Bits(codeNum, (int)length);
    }

    public RbspBitWriter Se(long value) => Ue(value > 0 ? (2 * value) - 1 : -2 * value);

    public byte[] ToNalUnit()
    {
        Bits(1, 1);
        while (_bits.Count % 8 != 0)
        {
            _bits.Add(false);
        }

        var rbsp = Enumerable.Range(0, _bits.Count / 8).Select(i => (byte)Enumerable.Range(0, 8).Aggregate(0, (b, k) => (b << 1) | (_bits[(i * 8) + k] ? 1 : 0)));
        var nal = new List<byte>();
        var zeros = 0;
        foreach (var b in rbsp)
        {
            if (zeros >= 2 && b <= 3)
            {
                nal.Add(3);
                zeros = 0;
            }

            nal.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. nal];
    }
}
