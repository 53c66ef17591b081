using Microsoft.Win32.SafeHandles;

namespace KvsProducer.Buffering.Spool;

/// <summary>One segment file of a stream's spool: records <see cref="FirstSequence"/> up to <see cref="EndSequence"/> (excluded), back to back.</summary>
internal sealed class SpoolSegment(string path, long firstSequence)
{
    private const string Prefix = "segment-";
    private const string Extension = ".kvsspool";

    public string Path { get; } = path;

    public long FirstSequence { get; } = firstSequence;

    public long EndSequence { get; set; } = firstSequence;

    /// <summary>Valid bytes: the end of the last whole record.</summary>
    public long Bytes { get; set; }

    /// <summary>Open for appending while this is the spool's active segment; null once closed.</summary>
    public SafeFileHandle? Writer { get; set; }

    public long Records => EndSequence - FirstSequence;

    /// <summary>The search pattern of segment files in a stream's spool directory.</summary>
    public static string SearchPattern => Prefix + "*" + Extension;

    /// <summary>Segment files are named after their first record's sequence number, zero-padded so names sort in order.</summary>
    public static string FileName(long firstSequence) => $"{Prefix}{firstSequence:D20}{Extension}";
}
