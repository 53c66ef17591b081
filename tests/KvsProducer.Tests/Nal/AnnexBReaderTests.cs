using KvsProducer.Nal;

namespace KvsProducer.Tests.Nal;

public class AnnexBReaderTests
{
    [Test]
    public void Units_after_three_byte_start_codes_exclude_the_start_code()
    {
        byte[] data = [0, 0, 1, 0x67, 0xAA, 0, 0, 1, 0x68, 0xBB, 0xCC];

        Assert.That(Units(data), Is.EqualTo(new[] { (3, 2), (8, 3) }));
    }

    [Test]
    public void The_zero_byte_of_a_four_byte_start_code_belongs_to_the_start_code()
    {
        byte[] data = [0, 0, 0, 1, 0x67, 0xAA, 0, 0, 0, 1, 0x68, 0xBB];

        Assert.That(Units(data), Is.EqualTo(new[] { (4, 2), (10, 2) }));
    }

    [Test]
    public void Trailing_zero_bytes_are_trimmed_from_a_unit()
    {
        byte[] data = [0, 0, 1, 0x65, 0x88, 0, 0, 0, 0, 0, 1, 0x41, 0x9A, 0, 0];

        Assert.That(Units(data), Is.EqualTo(new[] { (3, 2), (11, 2) }));
    }

    [Test]
    public void Empty_units_between_adjacent_start_codes_are_skipped()
    {
        byte[] data = [0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1];

        Assert.That(Units(data), Is.EqualTo(new[] { (10, 2) }));
    }

    [Test]
    public void Emulation_prevention_bytes_do_not_split_a_unit()
    {
        // 00 00 03 01 is the escaped form of 00 00 01 inside a NAL unit (H.264 §7.4.1).
        byte[] data = [0, 0, 0, 1, 0x65, 0x11, 0, 0, 3, 1, 0, 0, 3, 0, 0x22, 0, 0, 1, 0x41, 0x9A];

        Assert.That(Units(data), Is.EqualTo(new[] { (4, 11), (18, 2) }));
    }

    [Test]
    public void Bytes_before_the_first_start_code_are_leading_garbage()
    {
        byte[] data = [0xDE, 0xAD, 0, 0, 0, 1, 0x67, 0xAA];

        var reader = new AnnexBReader(data);

        Assert.That(reader.LeadingGarbageLength, Is.EqualTo(2));
    }

    [Test]
    public void Leading_zero_bytes_are_not_garbage()
    {
        byte[] data = [0, 0, 0, 0, 0, 0, 1, 0x67, 0xAA];

        var reader = new AnnexBReader(data);

        Assert.That(reader.LeadingGarbageLength, Is.Zero);
        Assert.That(Units(data), Is.EqualTo(new[] { (7, 2) }));
    }

    [Test]
    public void Input_without_a_start_code_is_garbage_up_to_its_last_non_zero_byte()
    {
        // What an AVCC (length-prefixed) frame looks like: a 4-byte length, then the unit.
        byte[] data = [0, 0, 0, 3, 0x65, 0x88, 0x84, 0];

        var reader = new AnnexBReader(data);

        Assert.That(reader.LeadingGarbageLength, Is.EqualTo(7));
        Assert.That(reader.TryReadNext(out _, out _), Is.False);
    }

    [Test]
    public void A_start_code_is_found_at_every_offset_of_a_small_buffer()
    {
        // Covers the vector loop, its overlapping last step and the scalar path for short inputs.
        for (int size = 4; size <= 80; size++)
        {
            for (int at = 0; at + 4 <= size; at++)
            {
                byte[] data = new byte[size];
                data.AsSpan().Fill(0xA5);
                data[at + 2] = 1;
                data[at] = data[at + 1] = 0;

                (int, int)[] expected = at + 3 < size ? [(at + 3, size - at - 3)] : [];
                Assert.That(AnnexB.IndexOfStartCode(data), Is.EqualTo(at), $"size {size}, start code at {at}");
                Assert.That(Units(data), Is.EqualTo(expected), $"size {size}, start code at {at}");
                Assert.That(new AnnexBReader(data).LeadingGarbageLength, Is.EqualTo(at), $"size {size}, start code at {at}");
            }
        }
    }

    [Test]
    public void Start_code_search_agrees_with_a_byte_by_byte_search_on_zero_rich_data()
    {
        var random = new Random(20261125);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] data = new byte[random.Next(0, 150)];
            for (int i = 0; i < data.Length; i++)
            {
                // Mostly zeros and ones, so near misses (00 01, 00 00 00, 00 00 02) abound.
                data[i] = (byte)(random.Next(4) switch { 0 or 1 => 0, 2 => 1, _ => random.Next(256) });
            }

            Assert.That(AnnexB.IndexOfStartCode(data), Is.EqualTo(NaiveIndexOfStartCode(data)), Convert.ToHexString(data));
        }
    }

    [Test]
    public void No_start_code_is_found_in_data_without_one()
    {
        byte[] data = new byte[1000];
        data.AsSpan().Fill(0);
        data[999] = 2; // 00 00 02 is not a start code

        Assert.That(AnnexB.IndexOfStartCode(data), Is.EqualTo(-1));
    }

    private static (int Offset, int Length)[] Units(ReadOnlySpan<byte> data)
    {
        var units = new List<(int, int)>();
        var reader = new AnnexBReader(data);
        while (reader.TryReadNext(out int offset, out int length))
        {
            units.Add((offset, length));
        }

        return [.. units];
    }

    private static int NaiveIndexOfStartCode(byte[] data)
    {
        for (int i = 0; i + 2 < data.Length; i++)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1)
            {
                return i;
            }
        }

        return -1;
    }
}
