namespace KvsProducer.Mkv;

/// <summary>
/// Parses a whole MKV byte array into a tree of <see cref="EbmlNode"/>s, checking structure: every
/// known size fits its parent, unknown sizes only on Segment and Cluster (which end where an element of
/// their level or above begins). Used by tests, tools and validation — not on the
/// streaming path.
/// </summary>
internal static class EbmlDocumentReader
{
    public static IReadOnlyList<EbmlNode> Parse(ReadOnlySpan<byte> data)
    {
        var position = 0L;
        return ParseChildren(data, ref position, data.Length, unknownSizedParent: 0);
    }

    private static List<EbmlNode> ParseChildren(ReadOnlySpan<byte> data, ref long position, long end, uint unknownSizedParent)
    {
        var nodes = new List<EbmlNode>();
        while (position < end)
        {
            var status = EbmlHeaderReader.TryRead(data[(int)position..(int)end], out var header);
            if (status != EbmlHeaderReader.Status.Ok)
            {
                throw new InvalidDataException($"Bad EBML element header at offset {position}: {status}.");
            }

            if (EndsUnknownSizedParent(unknownSizedParent, header.Id))
            {
                return nodes; // a sibling of our unknown-sized parent begins here
            }

            var offset = position;
            position += header.HeaderLength;
            if (header.HasUnknownSize)
            {
                if (header.Id is not (MkvElementIds.Segment or MkvElementIds.Cluster))
                {
                    throw new InvalidDataException($"Element 0x{header.Id:X} at offset {offset} has an unknown size; only Segment and Cluster may.");
                }

                var children = ParseChildren(data, ref position, end, header.Id);
                nodes.Add(new EbmlNode(header.Id, offset, header.HeaderLength, position - offset - header.HeaderLength, true, children));
                continue;
            }

            if (header.Size > end - position)
            {
                throw new InvalidDataException($"Element 0x{header.Id:X} at offset {offset} declares {header.Size} bytes but only {end - position} remain in its parent.");
            }

            var childEnd = position + header.Size;
            IReadOnlyList<EbmlNode> kids = MkvElementIds.IsMaster(header.Id)
                ? ParseChildren(data, ref position, childEnd, unknownSizedParent: 0)
                : [];
            position = childEnd;
            nodes.Add(new EbmlNode(header.Id, offset, header.HeaderLength, header.Size, false, kids));
        }

        return nodes;
    }

    /// <summary>Level rules for unknown-sized masters: a Cluster ends at any level-1 or level-0 element, a Segment at an EBML header.</summary>
    private static bool EndsUnknownSizedParent(uint unknownSizedParent, uint id) => unknownSizedParent switch
    {
        MkvElementIds.Cluster => id is MkvElementIds.Cluster or MkvElementIds.Tags or MkvElementIds.Info or MkvElementIds.Tracks
            or MkvElementIds.Ebml or MkvElementIds.Segment or 0x114D9B74 or 0x1C53BB6B,
        MkvElementIds.Segment => id is MkvElementIds.Ebml or MkvElementIds.Segment,
        _ => false,
    };
}
