namespace KvsProducer.Mkv;

/// <summary>An element's ID and size as read from the wire; <see cref="Size"/> is -1 for "unknown size".</summary>
internal readonly record struct EbmlElementHeader(uint Id, long Size, int HeaderLength)
{
    public bool HasUnknownSize => Size < 0;
}
