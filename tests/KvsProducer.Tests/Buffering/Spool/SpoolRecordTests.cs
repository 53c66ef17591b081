using KvsProducer.Buffering.Spool;

namespace KvsProducer.Tests.Buffering.Spool;

public class SpoolRecordTests
{
    private static readonly SpoolRecordHeader Header = new(42, 2, 17_000_000_000_000, 16_999_999_600_000, 400_000, FrameFlags.KeyFrame | FrameFlags.Discardable, 5);

    private static byte[] Record()
    {
        var bytes = new byte[Header.RecordLength];
        SpoolRecord.Write(bytes, Header, [1, 2, 3, 4, 5]);
        return bytes;
    }

    [Test]
    public void A_written_record_reads_back_with_every_field_and_its_payload()
    {
        var bytes = Record();

        Assert.That(SpoolRecord.TryReadHeader(bytes, out var header), Is.True);
        Assert.That(header, Is.EqualTo(Header));
        Assert.That(SpoolRecord.CrcMatches(bytes), Is.True);
        Assert.That(bytes[SpoolRecord.HeaderSize..], Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void The_record_starts_with_the_magic_KVSP_and_version_1()
    {
        var bytes = Record();

        Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 0, 4), Is.EqualTo("KVSP"));
        Assert.That(bytes[8], Is.EqualTo(1));
    }

    [Test]
    public void A_flipped_bit_anywhere_in_the_record_is_detected()
    {
        var original = Record();
        for (int i = 0; i < original.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])original.Clone();
                damaged[i] ^= (byte)(1 << bit);
                bool accepted = SpoolRecord.TryReadHeader(damaged, out var header) && header.RecordLength == damaged.Length && SpoolRecord.CrcMatches(damaged);
                Assert.That(accepted, Is.False, $"byte {i} bit {bit}");
            }
        }
    }

    [Test]
    public void A_length_beyond_the_bound_is_not_trusted()
    {
        var bytes = Record();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), SpoolRecord.MaxPayloadLength + 1);

        Assert.That(SpoolRecord.TryReadHeader(bytes, out _), Is.False);
    }
}
