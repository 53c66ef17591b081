using System.Buffers;

namespace KvsProducer.Tests.Service;

/// <summary>Builds multi-segment sequences so parsers are tested with every possible split of their input.</summary>
internal static class Splits
{
    /// <summary>The input as two segments split at <paramref name="at"/> (either may be empty).</summary>
    public static ReadOnlySequence<byte> At(byte[] input, int at) => Of(input[..at], input[at..]);

    /// <summary>A sequence with one segment per piece.</summary>
    public static ReadOnlySequence<byte> Of(params byte[][] pieces)
    {
        var nonEmpty = pieces.Where(p => p.Length > 0).ToArray();
        if (nonEmpty.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(nonEmpty[0], 0);
        var last = first;
        foreach (var piece in nonEmpty.Skip(1))
        {
            last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
