namespace KvsProducer.LocalEndpoint.Internal.Mkv;

/// <summary>Which part of a PutMedia body a byte belongs to.</summary>
internal enum MkvRegion
{
    /// <summary>EBML header and the Segment's own ID and size: rewritten by the endpoint on read-back.</summary>
    Envelope,

    /// <summary>Level-1 elements before the first Cluster of a segment (Info, Tracks, SeekHead, Void…): the session header.</summary>
    Header,

    /// <summary>A level-1 Tags element (producer metadata, end-of-fragment marker).</summary>
    Tags,

    /// <summary>A Cluster: one fragment.</summary>
    Cluster,

    /// <summary>Other level-1 elements after the first Cluster (Cues, Void…): accepted and dropped.</summary>
    Other,
}
