using System.Buffers.Binary;
using System.Text;
using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Storage;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// Reads a stored fragment back as frames: the session header file (Info, Tracks) gives the
/// timecode scale and the video track's CodecPrivate; the fragment file (Tags, then the Cluster,
/// possibly of unknown size) gives Timecode and the SimpleBlocks / BlockGroups.
/// Read-only use of the storage layer; a file pruned meanwhile surfaces as ResourceNotFound.
/// </summary>
internal static class StoredFragmentReader
{
    private const uint Info = 0x1549A966, TimecodeScaleId = 0x2AD7B1, Tracks = 0x1654AE6B, TrackEntry = 0xAE;
    private const uint TrackNumber = 0xD7, TrackType = 0x83, CodecIdElement = 0x86, CodecPrivateElement = 0x63A2;
    private const uint Video = 0xE0, PixelWidth = 0xB0, PixelHeight = 0xBA;
    private const uint Cluster = 0x1F43B675, Timecode = 0xE7, SimpleBlock = 0xA3, BlockGroup = 0xA0, Block = 0xA1, ReferenceBlock = 0xFB;
    private const ulong UnknownSize = ulong.MaxValue;

    public static async Task<StoredFragment> ReadAsync(FragmentStore store, FragmentRecord record, CancellationToken cancellationToken)
    {
        byte[] header, body;
        try
        {
            header = await File.ReadAllBytesAsync(store.PathOf(record.HeaderFile), cancellationToken).ConfigureAwait(false);
            body = await File.ReadAllBytesAsync(store.PathOf(record.File), cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            throw ServiceError.ResourceNotFound($"Fragment {record.Number} is no longer stored (retention removed it).");
        }

        (VideoTrack track, AudioTrack? audio, ulong timecodeScale) = ReadHeader(header);
        var audioFrames = new List<MediaFrame>();
        var frames = ReadFrames(body, track.Number, audio?.Number, timecodeScale, audioFrames);
        return new StoredFragment(record, track, frames, audio, audioFrames);
    }

    private static (VideoTrack Track, AudioTrack? Audio, ulong TimecodeScale) ReadHeader(byte[] bytes)
    {
        ulong scale = 1_000_000;
        VideoTrack? video = null;
        AudioTrack? audio = null;
        int offset = 0;
        while (TryElement(bytes, ref offset, bytes.Length, out uint id, out int start, out int end))
        {
            if (id == Info)
            {
                int inner = start;
                while (TryElement(bytes, ref inner, end, out uint child, out int childStart, out int childEnd))
                {
                    if (child == TimecodeScaleId)
                    {
                        scale = Unsigned(bytes, childStart, childEnd);
                    }
                }
            }
            else if (id == Tracks)
            {
                int inner = start;
                while (TryElement(bytes, ref inner, end, out uint child, out int childStart, out int childEnd))
                {
                    if (child == TrackEntry)
                    {
                        (VideoTrack? v, AudioTrack? a) = ReadTrack(bytes, childStart, childEnd);
                        video ??= v;
                        audio ??= a;
                    }
                }
            }

            offset = end;
        }

        return (video ?? throw ServiceError.InvalidArgument("The stream's fragments carry no video track: HLS, DASH, clips and images need track 1 to be H.264 video (V_MPEG4/ISO/AVC)."), audio, scale);
    }

    /// <summary>The video track (type 1), or the AAC track (type 2, A_AAC with an AudioSpecificConfig); other tracks are not remuxed.</summary>
    private static (VideoTrack? Video, AudioTrack? Audio) ReadTrack(byte[] bytes, int start, int end)
    {
        ulong number = 0, type = 0;
        string codec = "";
        byte[] codecPrivate = [];
        int width = 0, height = 0;
        int offset = start;
        while (TryElement(bytes, ref offset, end, out uint id, out int childStart, out int childEnd))
        {
            switch (id)
            {
                case TrackNumber: number = Unsigned(bytes, childStart, childEnd); break;
                case TrackType: type = Unsigned(bytes, childStart, childEnd); break;
                case CodecIdElement: codec = Encoding.ASCII.GetString(bytes, childStart, childEnd - childStart).TrimEnd('\0'); break;
                case CodecPrivateElement: codecPrivate = bytes[childStart..childEnd]; break;
                case Video:
                    int inner = childStart;
                    while (TryElement(bytes, ref inner, childEnd, out uint v, out int vStart, out int vEnd))
                    {
                        if (v == PixelWidth)
                        {
                            width = (int)Unsigned(bytes, vStart, vEnd);
                        }
                        else if (v == PixelHeight)
                        {
                            height = (int)Unsigned(bytes, vStart, vEnd);
                        }
                    }

                    break;
            }
        }

        return type switch
        {
            1 => (new VideoTrack(number, codec, codecPrivate, width, height), null),
            2 when codec == "A_AAC" => (null, AudioTrack.FromAudioSpecificConfig(number, codecPrivate)),
            _ => (null, null),
        };
    }

    private static List<MediaFrame> ReadFrames(byte[] bytes, ulong videoTrack, ulong? audioTrack, ulong timecodeScale, List<MediaFrame> audioFrames)
    {
        var frames = new List<MediaFrame>();
        long clusterTimecode = 0;
        int offset = 0;
        while (TryElement(bytes, ref offset, bytes.Length, out uint id, out int start, out int end))
        {
            if (id != Cluster)
            {
                continue;
            }

            int inner = start;
            while (TryElement(bytes, ref inner, end, out uint child, out int childStart, out int childEnd))
            {
                if (child == Timecode)
                {
                    clusterTimecode = (long)Unsigned(bytes, childStart, childEnd);
                }
                else if (child == SimpleBlock)
                {
                    AddBlock(bytes, childStart, childEnd, key: false, clusterTimecode, timecodeScale, videoTrack, audioTrack, frames, audioFrames, useFlags: true);
                }
                else if (child == BlockGroup)
                {
                    bool referenced = false;
                    int blockStart = -1, blockEnd = -1;
                    int group = childStart;
                    while (TryElement(bytes, ref group, childEnd, out uint g, out int gStart, out int gEnd))
                    {
                        if (g == Block)
                        {
                            (blockStart, blockEnd) = (gStart, gEnd);
                        }
                        else if (g == ReferenceBlock)
                        {
                            referenced = true;
                        }
                    }

                    if (blockStart >= 0)
                    {
                        AddBlock(bytes, blockStart, blockEnd, !referenced, clusterTimecode, timecodeScale, videoTrack, audioTrack, frames, audioFrames, useFlags: false);
                    }
                }
            }
        }

        return frames;
    }

    private static void AddBlock(byte[] bytes, int start, int end, bool key, long clusterTimecode, ulong timecodeScale, ulong videoTrack, ulong? audioTrack, List<MediaFrame> frames, List<MediaFrame> audioFrames, bool useFlags)
    {
        int trackLength = VintLength(bytes[start]);
        ulong track = ReadVint(bytes, start, trackLength);
        if (track != videoTrack && track != audioTrack)
        {
            return;
        }

        int p = start + trackLength;
        short relative = BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(p, 2));
        byte flags = bytes[p + 2];
        if (useFlags)
        {
            key = (flags & 0x80) != 0;
        }

        if ((flags & 0x06) != 0)
        {
            throw ServiceError.InvalidArgument("A stored frame uses Matroska lacing, which KVS producers do not send: HLS/DASH/clips need one frame per block.");
        }

        long ticks = clusterTimecode + relative;
        long timeMs = (long)(ticks * (decimal)timecodeScale / 1_000_000m);
        (track == videoTrack ? frames : audioFrames).Add(new MediaFrame(timeMs, key, bytes.AsMemory(p + 3, end - p - 3)));
    }

    // EBML element header at offset: ID (1–4 bytes, marker kept), size (1–8 bytes vint).
    private static bool TryElement(byte[] bytes, ref int offset, int limit, out uint id, out int start, out int end)
    {
        id = 0;
        start = end = offset;
        if (offset >= limit)
        {
            return false;
        }

        int idLength = VintLength(bytes[offset]);
        if (idLength > 4 || offset + idLength >= limit)
        {
            return false;
        }

        for (int i = 0; i < idLength; i++)
        {
            id = (id << 8) | bytes[offset + i];
        }

        int sizeLength = VintLength(bytes[offset + idLength]);
        if (sizeLength > 8 || offset + idLength + sizeLength > limit)
        {
            return false;
        }

        ulong size = ReadVint(bytes, offset + idLength, sizeLength);
        start = offset + idLength + sizeLength;
        end = size == UnknownSize || (ulong)(limit - start) < size ? limit : start + (int)size;
        // Master elements are entered by the caller; the next sibling follows this element's end.
        offset = end;
        return true;
    }

    private static int VintLength(byte first) => first == 0 ? 9 : System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 23;

    private static ulong ReadVint(byte[] bytes, int offset, int length)
    {
        ulong value = (ulong)(bytes[offset] & (0xFF >> length));
        bool allOnes = value == (ulong)(0xFF >> length);
        for (int i = 1; i < length; i++)
        {
            value = (value << 8) | bytes[offset + i];
            allOnes &= bytes[offset + i] == 0xFF;
        }

        return allOnes ? UnknownSize : value;
    }

    private static ulong Unsigned(byte[] bytes, int start, int end)
    {
        ulong value = 0;
        for (int i = start; i < end; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }
}
