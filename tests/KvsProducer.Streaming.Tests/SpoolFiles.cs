using System.Buffers.Binary;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Reads a disk buffer's segment files with the test's own parser of the documented record format
/// (docs/disk-buffer.md: 56-byte header, magic "KVSP", payload length at 12, pts ticks at 24): the presentation
/// times (ms) of every whole record on disk. A torn last record is ignored, as the producer's recovery does.
/// </summary>
internal static class SpoolFiles
{
    public static List<long> PresentationTimes(string streamDirectory)
    {
        var times = new List<long>();
        foreach (var path in Directory.GetFiles(streamDirectory, "segment-*.kvsspool"))
        {
            var bytes = File.ReadAllBytes(path);
            int offset = 0;
            while (offset + 56 <= bytes.Length && BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)) == 0x5053564B)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 12));
                if (offset + 56 + length > bytes.Length)
                {
                    break;
                }

                times.Add(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(offset + 24)) / TimeSpan.TicksPerMillisecond);
                offset += 56 + length;
            }
        }

        return times;
    }
}
