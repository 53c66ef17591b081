using System.Buffers;
using System.Text;

namespace KvsProducer.Mkv;

/// <summary>
/// Fragment metadata as MKV Tags, laid out as the PIC writes them: one Tags
/// element per item, <c>Tags{Tag{SimpleTag{TagName, TagString}}}</c>, every size an 8-byte vint, no Targets.
/// </summary>
internal static class MkvTagsWriter
{
    /// <summary>§6.6: the reserved tag that closes a fragment (and a session).</summary>
    public const string EndOfFragmentTagName = "AWS_KINESISVIDEO_END_OF_FRAGMENT";

    private const int SizeWidth = 8;

    /// <summary>Bytes the Tags element for one item takes.</summary>
    public static int TagsLength(int nameBytes, int valueBytes) =>
        4 + SizeWidth + TagLength(nameBytes, valueBytes);

    // Tags 1254C367 <8> · Tag 7373 <8> · SimpleTag 67C8 <8> · TagName 45A3 <8> name · TagString 4487 <8> value
    public static void WriteTag(IBufferWriter<byte> output, string name, string value)
    {
        var nameBytes = Encoding.UTF8.GetByteCount(name);
        var valueBytes = Encoding.UTF8.GetByteCount(value);
        var simpleTag = SimpleTagPayloadLength(nameBytes, valueBytes);
        var tag = TagLength(nameBytes, valueBytes);
        var total = TagsLength(nameBytes, valueBytes);

        var span = output.GetSpan(total);
        var at = EbmlEncoding.WriteElementHeader(span, MkvElementIds.Tags, (ulong)tag, SizeWidth);
        at += EbmlEncoding.WriteElementHeader(span[at..], MkvElementIds.Tag, (ulong)(2 + SizeWidth + simpleTag), SizeWidth);
        at += EbmlEncoding.WriteElementHeader(span[at..], MkvElementIds.SimpleTag, (ulong)simpleTag, SizeWidth);
        at += EbmlEncoding.WriteElementHeader(span[at..], MkvElementIds.TagName, (ulong)nameBytes, SizeWidth);
        at += Encoding.UTF8.GetBytes(name, span[at..]);
        at += EbmlEncoding.WriteElementHeader(span[at..], MkvElementIds.TagString, (ulong)valueBytes, SizeWidth);
        at += Encoding.UTF8.GetBytes(value, span[at..]);
        output.Advance(at);
    }

    public static void WriteEndOfFragment(IBufferWriter<byte> output) => WriteTag(output, EndOfFragmentTagName, string.Empty);

    /// <summary>Bytes <see cref="WriteTagGroup"/> takes for <paramref name="simpleTags"/>.</summary>
    public static int TagGroupLength(IReadOnlyList<KeyValuePair<string, string>> simpleTags) => 4 + SizeWidth + GroupTagLength(simpleTags);

    // Several SimpleTags in one Tag, as the PIC packages an event (Stream.c packageStreamMetadata: the event name as
    // an MKV_TREE_TAGS chain, then its prefix and pairs as MKV_TREE_SIMPLE siblings; mkvgenIncreaseTagsTagSize grows
    // the Tags and Tag sizes over them): Tags <8> · Tag <8> · (SimpleTag <8> · TagName <8> name · TagString <8> value)…
    public static void WriteTagGroup(IBufferWriter<byte> output, IReadOnlyList<KeyValuePair<string, string>> simpleTags)
    {
        var tag = GroupTagLength(simpleTags);
        var span = output.GetSpan(4 + SizeWidth + tag);
        var at = EbmlEncoding.WriteElementHeader(span, MkvElementIds.Tags, (ulong)tag, SizeWidth);
        at += EbmlEncoding.WriteElementHeader(span[at..], MkvElementIds.Tag, (ulong)(tag - 2 - SizeWidth), SizeWidth);
        foreach (var (name, value) in simpleTags)
        {
            var nameBytes = Encoding.UTF8.GetByteCount(name);
            var valueBytes = Encoding.UTF8.GetByteCount(value);
            at += EbmlEncoding.WriteElementHeader(span[at..], MkvElementIds.SimpleTag, (ulong)SimpleTagPayloadLength(nameBytes, valueBytes), SizeWidth);
            at += EbmlEncoding.WriteElementHeader(span[at..], MkvElementIds.TagName, (ulong)nameBytes, SizeWidth);
            at += Encoding.UTF8.GetBytes(name, span[at..]);
            at += EbmlEncoding.WriteElementHeader(span[at..], MkvElementIds.TagString, (ulong)valueBytes, SizeWidth);
            at += Encoding.UTF8.GetBytes(value, span[at..]);
        }

        output.Advance(at);
    }

    // Tag element (ID + 8-byte size + its SimpleTags).
    private static int GroupTagLength(IReadOnlyList<KeyValuePair<string, string>> simpleTags)
    {
        var payload = 0;
        foreach (var (name, value) in simpleTags)
        {
            payload += 2 + SizeWidth + SimpleTagPayloadLength(Encoding.UTF8.GetByteCount(name), Encoding.UTF8.GetByteCount(value));
        }

        return 2 + SizeWidth + payload;
    }

    private static int SimpleTagPayloadLength(int nameBytes, int valueBytes) =>
        (2 + SizeWidth + nameBytes) + (2 + SizeWidth + valueBytes);

    // Tag payload = one SimpleTag element (ID 2 bytes + 8-byte size + payload).
    private static int TagLength(int nameBytes, int valueBytes) =>
        2 + SizeWidth + (2 + SizeWidth + SimpleTagPayloadLength(nameBytes, valueBytes));
}
