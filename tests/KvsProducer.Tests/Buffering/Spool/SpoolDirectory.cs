using KvsProducer.Buffering.Spool;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvsProducer.Tests.Buffering.Spool;

/// <summary>A fresh temporary disk buffer directory, deleted after the test, and frames to put in it.</summary>
internal sealed class SpoolDirectory : IDisposable
{
    public const string Stream = "spool-test";

    public string Root { get; } = Directory.CreateTempSubdirectory("kvs-spool-").FullName;

    public string StreamDirectory => Path.Combine(Root, Stream);

    public DiskBufferOptions Options(long maxBytes = 1 << 20, long segmentBytes = 64 * 1024) => new(Root) { MaxBytes = maxBytes, SegmentBytes = segmentBytes, SyncInterval = Timeout.InfiniteTimeSpan };

    public FrameSpool Open(DiskBufferOptions? options = null) => FrameSpool.Open(options ?? Options(), Stream, TimeProvider.System, NullLogger.Instance);

    public string[] Segments() => Directory.GetFiles(StreamDirectory, "segment-*.kvsspool").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Frame <paramref name="i"/>: <paramref name="size"/> bytes of value i, 40 ms apart, a key frame every 25.</summary>
    public static Frame FrameNumber(int i, int size = 1000) => new(
        Enumerable.Repeat((byte)i, size).ToArray(),
        TimeSpan.FromMilliseconds(1_700_000_000_000 + (40 * i)),
        TimeSpan.FromMilliseconds(1_700_000_000_000 + (40 * i)),
        TimeSpan.FromMilliseconds(40),
        i % 25 == 0 ? FrameFlags.KeyFrame : FrameFlags.None);

    /// <summary>Every unreleased record's sequence and first payload byte, oldest first.</summary>
    public static List<(long Sequence, byte Value)> Backlog(FrameSpool spool)
    {
        var found = new List<(long, byte)>();
        using var reader = spool.ReadBacklog(spool.NextSequence);
        while (reader.TryRead(out var header, out var payload))
        {
            found.Add((header.Sequence, payload.Span[0]));
        }

        return found;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
