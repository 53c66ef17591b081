using System.Buffers.Binary;
using System.Text;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// Fragmented MP4 (ISO/IEC 14496-12, ISO BMFF) for one H.264 track: an initialization segment
/// (ftyp + moov with avc1/avcC and mvex) and one media segment (moof + mdat) per KVS fragment.
/// What HLS fMP4, DASH and GetClip serve. Timescale 1000: KVS timestamps are milliseconds.
/// </summary>
internal static class Mp4Writer
{
    public const int Timescale = 1000;
    private const uint TrackId = 1;
    private static readonly string[] CompatibleBrands = ["iso6", "isom", "mp41", "avc1"];
    private static readonly uint[] UnityMatrix = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];

    public static byte[] InitSegment(VideoTrack track)
    {
        using var output = new MemoryStream();
        var w = new BoxWriter(output);
        w.Box("ftyp", () =>
        {
            w.Fourcc("iso6");
            w.U32(0);
            foreach (string brand in CompatibleBrands)
            {
                w.Fourcc(brand);
            }
        });
        w.Box("moov", () =>
        {
            w.FullBox("mvhd", 0, 0, () =>
            {
                w.U32(0);
                w.U32(0);
                w.U32(Timescale);
                w.U32(0);
                w.U32(0x00010000);
                w.U16(0x0100);
                w.Zeros(10);
                Matrix(w);
                w.Zeros(24);
                w.U32(TrackId + 1);
            });
            w.Box("trak", () =>
            {
                w.FullBox("tkhd", 0, 3, () =>
                {
                    w.U32(0);
                    w.U32(0);
                    w.U32(TrackId);
                    w.U32(0);
                    w.U32(0);
                    w.Zeros(8);
                    w.U16(0);
                    w.U16(0);
                    w.U16(0);
                    w.U16(0);
                    Matrix(w);
                    w.U32((uint)track.Width << 16);
                    w.U32((uint)track.Height << 16);
                });
                w.Box("mdia", () =>
                {
                    w.FullBox("mdhd", 0, 0, () =>
                    {
                        w.U32(0);
                        w.U32(0);
                        w.U32(Timescale);
                        w.U32(0);
                        w.U16(0x55C4); // 'und'
                        w.U16(0);
                    });
                    w.FullBox("hdlr", 0, 0, () =>
                    {
                        w.U32(0);
                        w.Fourcc("vide");
                        w.Zeros(12);
                        w.Bytes("VideoHandler\0"u8);
                    });
                    w.Box("minf", () =>
                    {
                        w.FullBox("vmhd", 0, 1, () => w.Zeros(8));
                        w.Box("dinf", () => w.FullBox("dref", 0, 0, () =>
                        {
                            w.U32(1);
                            w.FullBox("url ", 0, 1, () => { });
                        }));
                        w.Box("stbl", () =>
                        {
                            w.FullBox("stsd", 0, 0, () =>
                            {
                                w.U32(1);
                                w.Box("avc1", () =>
                                {
                                    w.Zeros(6);
                                    w.U16(1);
                                    w.Zeros(16);
                                    w.U16((ushort)track.Width);
                                    w.U16((ushort)track.Height);
                                    w.U32(0x00480000);
                                    w.U32(0x00480000);
                                    w.U32(0);
                                    w.U16(1);
                                    w.Zeros(32);
                                    w.U16(0x0018);
                                    w.U16(0xFFFF);
                                    w.Box("avcC", () => w.Bytes(track.CodecPrivate));
                                });
                            });
                            w.FullBox("stts", 0, 0, () => w.U32(0));
                            w.FullBox("stsc", 0, 0, () => w.U32(0));
                            w.FullBox("stsz", 0, 0, () => { w.U32(0); w.U32(0); });
                            w.FullBox("stco", 0, 0, () => w.U32(0));
                        });
                    });
                });
            });
            w.Box("mvex", () => w.FullBox("trex", 0, 0, () =>
            {
                w.U32(TrackId);
                w.U32(1);
                w.U32(0);
                w.U32(0);
                w.U32(0);
            }));
        });
        return output.ToArray();
    }

    /// <summary>moof + mdat for one fragment; <paramref name="sequence"/> is the mfhd sequence number (1-based).</summary>
    public static byte[] MediaSegment(StoredFragment fragment, uint sequence)
    {
        long[] durations = fragment.FrameDurationsMs();
        long[] decoding = fragment.DecodingTimesMs();
        List<MediaFrame> frames = fragment.Frames;
        using var output = new MemoryStream();
        var w = new BoxWriter(output);
        long dataOffsetPosition = 0;
        long moofStart = output.Position;
        w.Box("moof", () =>
        {
            w.FullBox("mfhd", 0, 0, () => w.U32(sequence));
            w.Box("traf", () =>
            {
                // 0x020000 default-base-is-moof: data offsets count from this moof (ISO/IEC 14496-12 §8.8.7).
                w.FullBox("tfhd", 0, 0x020000, () => w.U32(TrackId));
                w.FullBox("tfdt", 1, 0, () => w.U64((ulong)Math.Max(0, decoding.Length == 0 ? 0 : decoding[0])));
                // data-offset, duration, size, flags, composition offset (signed, version 1).
                w.FullBox("trun", 1, 0x000F01, () =>
                {
                    w.U32((uint)frames.Count);
                    dataOffsetPosition = output.Position;
                    w.U32(0);
                    for (int i = 0; i < frames.Count; i++)
                    {
                        w.U32((uint)durations[i]);
                        w.U32((uint)frames[i].Data.Length);
                        // sample_depends_on = 2 (I) for key frames; 1 + non-sync otherwise.
                        w.U32(frames[i].KeyFrame ? 0x02000000u : 0x01010000u);
                        w.U32((uint)(int)(frames[i].TimeMs - decoding[i]));
                    }
                });
            });
        });
        long moofSize = output.Position - moofStart;
        long payload = frames.Sum(f => (long)f.Data.Length);
        w.U32((uint)(8 + payload));
        w.Fourcc("mdat");
        foreach (MediaFrame frame in frames)
        {
            output.Write(frame.Data.Span);
        }

        byte[] bytes = output.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan((int)dataOffsetPosition), (uint)(moofSize + 8));
        return bytes;
    }

    private static void Matrix(BoxWriter w)
    {
        foreach (uint value in UnityMatrix)
        {
            w.U32(value);
        }
    }

    /// <summary>Writes boxes with their sizes patched after the content (sizes fit 32 bits here).</summary>
    private sealed class BoxWriter(MemoryStream output)
    {
        public void Box(string type, Action content)
        {
            long start = output.Position;
            U32(0);
            Fourcc(type);
            content();
            long end = output.Position;
            output.Position = start;
            U32((uint)(end - start));
            output.Position = end;
        }

        public void FullBox(string type, byte version, uint flags, Action content) => Box(type, () =>
        {
            U32(((uint)version << 24) | flags);
            content();
        });

        public void U16(ushort value)
        {
            Span<byte> span = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
            output.Write(span);
        }

        public void U32(uint value)
        {
            Span<byte> span = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
            output.Write(span);
        }

        public void U64(ulong value)
        {
            Span<byte> span = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(span, value);
            output.Write(span);
        }

        public void Fourcc(string code) => output.Write(Encoding.ASCII.GetBytes(code));

        public void Zeros(int count)
        {
            for (int i = 0; i < count; i++)
            {
                output.WriteByte(0);
            }
        }

        public void Bytes(ReadOnlySpan<byte> bytes) => output.Write(bytes);
    }
}
