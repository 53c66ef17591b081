using KvsProducer.Nal;

namespace KvsProducer.Tests.Nal;

public class RbspBitReaderTests
{
    [Test]
    public void Emulation_prevention_byte_after_two_zeros_is_skipped()
    {
        var reader = new RbspBitReader([0x00, 0x00, 0x03, 0x01], "SPS");

        var value = reader.ReadBits(24, "field");

        Assert.That((value, reader.BitsRead), Is.EqualTo((0x000001u, 24)));
    }

    [Test]
    public void Consecutive_emulation_prevention_bytes_are_all_skipped()
    {
        var reader = new RbspBitReader([0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x02], "SPS");

        Assert.That(reader.ReadBits(32, "field") << 8 | reader.ReadBits(8, "field"), Is.EqualTo(0x02u));
    }

    [Test]
    public void Three_not_preceded_by_two_zeros_is_data()
    {
        var reader = new RbspBitReader([0x00, 0x03, 0x00, 0x00, 0x04], "SPS");

        Assert.That(reader.ReadBits(32, "field"), Is.EqualTo(0x00030000u));
    }

    [Test]
    public void Exp_golomb_codes_decode_as_h264_table_9_2_says()
    {
        // Bits: 1 | 010 | 011 | 00100 | 00111 | 0001000 → ue 0, 1, 2, 3, 6, 7
        // followed by se codes 010 (+1) and 011 (−1): 1010 0110 0100 0011 1000 1000 0100 11xx
        var reader = new RbspBitReader([0b1010_0110, 0b0100_0011, 0b1000_1000, 0b0100_1100], "SPS");

        uint[] unsigned = [reader.ReadUe("a"), reader.ReadUe("b"), reader.ReadUe("c"), reader.ReadUe("d"), reader.ReadUe("e"), reader.ReadUe("f")];
        int[] signed = [reader.ReadSe("g"), reader.ReadSe("h")];

        Assert.That((unsigned, signed), Is.EqualTo((new uint[] { 0, 1, 2, 3, 6, 7 }, new[] { 1, -1 })));
    }

    [Test]
    public void Reading_past_the_end_names_the_structure_the_bit_count_and_the_element()
    {
        byte[] bytes = [0xFF];

        var error = Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new RbspBitReader(bytes, "PPS");
            reader.ReadBits(5, "first");
            reader.ReadBits(4, "pic_init_qp_minus26");
        });

        Assert.That(error!.Message, Does.StartWith("PPS ends after 8 bits while reading pic_init_qp_minus26"));
    }

    [Test]
    public void Exp_golomb_code_longer_than_32_bits_is_corrupt()
    {
        byte[] bytes = [0, 0, 0, 0, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

        var error = Assert.Throws<InvalidDataException>(() => new RbspBitReader(bytes, "SPS").ReadUe("max_num_ref_frames"));

        Assert.That(error!.Message, Does.Contain("Exp-Golomb code longer than 32 bits").And.Contain("max_num_ref_frames"));
    }

    [Test]
    public void Bounded_read_refuses_a_value_above_the_maximum()
    {
        byte[] bytes = [0b0001_0000]; // ue = 7

        var error = Assert.Throws<InvalidDataException>(() => new RbspBitReader(bytes, "SPS").ReadUe("chroma_format_idc", 3));

        Assert.That(error!.Message, Does.Contain("chroma_format_idc = 7, above the maximum 3"));
    }
}
