namespace KvsProducer.Mkv;

/// <summary>One element of a parsed EBML document; <see cref="Size"/> is the data length actually spanned.</summary>
internal sealed record EbmlNode(uint Id, long Offset, int HeaderLength, long Size, bool DeclaredUnknownSize, IReadOnlyList<EbmlNode> Children)
{
    public long DataOffset => Offset + HeaderLength;

    public long End => DataOffset + Size;

    public EbmlNode? Child(uint id) => Children.FirstOrDefault(c => c.Id == id);

    public IEnumerable<EbmlNode> ChildrenWithId(uint id) => Children.Where(c => c.Id == id);
}
