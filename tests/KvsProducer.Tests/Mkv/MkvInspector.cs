using System.Buffers.Binary;
using System.Text;
using KvsProducer.Mkv;

namespace KvsProducer.Tests.Mkv;

/// <summary>Reads our MKV output back through the EBML document reader, for assertions.</summary>
internal sealed class MkvInspector
{
    private readonly byte[] _bytes;

    public MkvInspector(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes.ToArray();
        TopLevel = EbmlDocumentReader.Parse(_bytes);
        Segment = TopLevel.Single(n => n.Id == MkvElementIds.Segment);
    }

    public IReadOnlyList<EbmlNode> TopLevel { get; }

    public EbmlNode Segment { get; }

    public IReadOnlyList<EbmlNode> SegmentChildren => Segment.Children;

    public IEnumerable<EbmlNode> Clusters => Segment.ChildrenWithId(MkvElementIds.Cluster);

    public EbmlNode TrackEntry => Segment.Child(MkvElementIds.Tracks)!.Child(MkvElementIds.TrackEntry)!;

    public ulong Unsigned(EbmlNode node)
    {
        ulong value = 0;
        foreach (var b in Data(node))
        {
            value = (value << 8) | b;
        }

        return value;
    }

    public string Text(EbmlNode node) => Encoding.UTF8.GetString(Data(node));

    public ReadOnlySpan<byte> Data(EbmlNode node) => _bytes.AsSpan((int)node.DataOffset, (int)node.Size);

    public ulong ClusterTimecode(EbmlNode cluster) => Unsigned(cluster.Child(MkvElementIds.Timecode)!);

    public IEnumerable<Block> Blocks(EbmlNode cluster) => cluster.ChildrenWithId(MkvElementIds.SimpleBlock).Select(ReadBlock);

    /// <summary>(name, value) of every SimpleTag in the Tags elements that come right before <paramref name="cluster"/>.</summary>
    public List<(string Name, string Value)> TagsBefore(EbmlNode cluster)
    {
        var children = SegmentChildren.ToList();
        var index = children.IndexOf(cluster);
        var tags = new List<(string, string)>();
        for (var i = index - 1; i >= 0 && children[i].Id == MkvElementIds.Tags; i--)
        {
            tags.InsertRange(0, SimpleTags(children[i]));
        }

        return tags;
    }

    public IEnumerable<(string Name, string Value)> SimpleTags(EbmlNode tags) =>
        tags.ChildrenWithId(MkvElementIds.Tag).SelectMany(t => t.ChildrenWithId(MkvElementIds.SimpleTag))
            .Select(s => (Text(s.Child(MkvElementIds.TagName)!), Text(s.Child(MkvElementIds.TagString)!)));

    private Block ReadBlock(EbmlNode node)
    {
        var data = Data(node);
        return new Block(data[0] & 0x7F, BinaryPrimitives.ReadInt16BigEndian(data[1..]), data[3], data[4..].ToArray());
    }

    internal sealed record Block(int Track, short RelativeTimecode, byte Flags, byte[] Payload)
    {
        public bool IsKey => (Flags & 0x80) != 0;
    }
}
