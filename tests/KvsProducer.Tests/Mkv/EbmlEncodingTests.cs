using System.Buffers;
using KvsProducer.Mkv;

namespace KvsProducer.Tests.Mkv;

public class EbmlEncodingTests
{
    [TestCase(0UL, 1)]
    [TestCase(126UL, 1)]
    [TestCase(127UL, 2)] // all-ones in one byte means "unknown": the next width is used, as the PIC does
    [TestCase(16382UL, 2)]
    [TestCase(16383UL, 3)]
    public void Size_takes_the_shortest_width_that_is_not_the_unknown_pattern(ulong size, int expectedWidth)
    {
        Assert.That(EbmlEncoding.SizeLength(size), Is.EqualTo(expectedWidth));
    }

    [Test]
    public void Fixed_width_sizes_carry_the_length_marker_bit()
    {
        var span = new byte[8];
        EbmlEncoding.WriteSize(span, 0x18, 8);
        Assert.That(span, Is.EqualTo(new byte[] { 0x01, 0, 0, 0, 0, 0, 0, 0x18 }));
        EbmlEncoding.WriteSize(span, 0x70, 4);
        Assert.That(span[..4], Is.EqualTo(new byte[] { 0x10, 0, 0, 0x70 }));
    }

    [Test]
    public void Header_reader_reads_back_every_width_and_the_unknown_size()
    {
        var span = new byte[12];
        for (var width = 1; width <= 8; width++)
        {
            var at = EbmlEncoding.WriteElementHeader(span, MkvElementIds.Cluster, 100, width);
            Assert.That(EbmlHeaderReader.TryRead(span.AsSpan(0, at), out var header), Is.EqualTo(EbmlHeaderReader.Status.Ok));
            Assert.That(header, Is.EqualTo(new EbmlElementHeader(MkvElementIds.Cluster, 100, 4 + width)));
        }

        byte[] unknown = [0x1F, 0x43, 0xB6, 0x75, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.That(EbmlHeaderReader.TryRead(unknown, out var unknownHeader), Is.EqualTo(EbmlHeaderReader.Status.Ok));
        Assert.That(unknownHeader.HasUnknownSize, Is.True);
    }

    [Test]
    public void Header_reader_asks_for_more_data_at_every_split_point()
    {
        var span = new byte[12];
        var length = EbmlEncoding.WriteElementHeader(span, MkvElementIds.Tracks, 112, 4);
        for (var cut = 0; cut < length; cut++)
        {
            Assert.That(EbmlHeaderReader.TryRead(span.AsSpan(0, cut), out _), Is.EqualTo(EbmlHeaderReader.Status.NeedMoreData), $"cut at {cut}");
        }
    }

    [Test]
    public void Tags_are_laid_out_as_the_pic_writes_them()
    {
        // kvs-protocol.md §6.6 sample bytes: Tags/Tag/SimpleTag/TagName/TagString with 8-byte sizes.
        var output = new ArrayBufferWriter<byte>();
        MkvTagsWriter.WriteTag(output, "testTag_0", "testTag_0_Value");
        byte[] expected =
        [
            0x12, 0x54, 0xC3, 0x67, 0x01, 0, 0, 0, 0, 0, 0, 0x40,
            0x73, 0x73, 0x01, 0, 0, 0, 0, 0, 0, 0x36,
            0x67, 0xC8, 0x01, 0, 0, 0, 0, 0, 0, 0x2C,
            0x45, 0xA3, 0x01, 0, 0, 0, 0, 0, 0, 0x09, .. "testTag_0"u8,
            0x44, 0x87, 0x01, 0, 0, 0, 0, 0, 0, 0x0F, .. "testTag_0_Value"u8,
        ];
        Assert.That(output.WrittenSpan.ToArray(), Is.EqualTo(expected));
        Assert.That(MkvTagsWriter.TagsLength(9, 15), Is.EqualTo(expected.Length));
    }
}
