using System.Buffers.Binary;
using System.Text;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// Fragmented MP4 (ISO/IEC 14496-12, ISO BMFF) for the H.264 track and, when the stream has one, the AAC
/// track: an initialization segment (ftyp + moov with avc1/avcC, mp4a/esds and mvex) and one media segment
/// (moof with a traf per track + mdat) per KVS fragment. What HLS fMP4, DASH and GetClip serve. Video timescale
/// 1000 (KVS timestamps are milliseconds); audio timescale = the sampling rate, so each AAC frame lasts exactly
/// 1024 ticks (ISO/IEC 14496-14 for mp4a/esds).
/// </summary>
internal static class Mp4Writer
{
    public const int Timescale = 1000;
    private const uint TrackId = 1;
    private const uint AudioTrackId = 2;
    private static readonly string[] CompatibleBrands = ["iso6", "isom", "mp41", "avc1"];
    private static readonly uint[] UnityMatrix = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];

    /// <summary>
    /// ftyp + moov for the video track (unless <paramref name="withVideo"/> is false: DASH's audio adaptation set)
    /// and the AAC track when <paramref name="audio"/> is given.
    /// </summary>
    public static byte[] InitSegment(VideoTrack track, AudioTrack? audio = null, bool withVideo = true)
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
                w.U32(audio is null ? TrackId + 1 : AudioTrackId + 1);
            });
            if (withVideo)
            {
                VideoTrak(w, track);
            }

            if (audio is not null)
            {
                AudioTrak(w, audio);
            }

            w.Box("mvex", () =>
            {
                if (withVideo)
                {
                    Trex(w, TrackId);
                }

                if (audio is not null)
                {
                    Trex(w, AudioTrackId);
                }
            });
        });
        return output.ToArray();
    }

    private static void VideoTrak(BoxWriter w, VideoTrack track) => w.Box("trak", () =>
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
            Mdhd(w, Timescale);
            Hdlr(w, "vide", "VideoHandler\0"u8);
            w.Box("minf", () =>
            {
                w.FullBox("vmhd", 0, 1, () => w.Zeros(8));
                Dinf(w);
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
                    EmptySampleTables(w);
                });
            });
        });
    });

    /// <summary>Media header: no times (fragmented: the durations are in the fragments), language 'und'.</summary>
    private static void Mdhd(BoxWriter w, uint timescale) => w.FullBox("mdhd", 0, 0, () =>
    {
        w.U32(0);
        w.U32(0);
        w.U32(timescale);
        w.U32(0);
        w.U16(0x55C4); // 'und'
        w.U16(0);
    });

    private static void Hdlr(BoxWriter w, string handler, ReadOnlySpan<byte> name)
    {
        var nameBytes = name.ToArray(); // the lambda below cannot capture a span
        w.FullBox("hdlr", 0, 0, () =>
        {
            w.U32(0);
            w.Fourcc(handler);
            w.Zeros(12);
            w.Bytes(nameBytes);
        });
    }

    /// <summary>Data information: one self-contained data reference (the media is in this file).</summary>
    private static void Dinf(BoxWriter w) => w.Box("dinf", () => w.FullBox("dref", 0, 0, () =>
    {
        w.U32(1);
        w.FullBox("url ", 0, 1, () => { });
    }));

    /// <summary>Fragmented MP4: the sample tables in moov are empty; each moof carries its samples.</summary>
    private static void EmptySampleTables(BoxWriter w)
    {
        w.FullBox("stts", 0, 0, () => w.U32(0));
        w.FullBox("stsc", 0, 0, () => w.U32(0));
        w.FullBox("stsz", 0, 0, () => { w.U32(0); w.U32(0); });
        w.FullBox("stco", 0, 0, () => w.U32(0));
    }

    private static void Trex(BoxWriter w, uint trackId) => w.FullBox("trex", 0, 0, () =>
    {
        w.U32(trackId);
        w.U32(1);
        w.U32(0);
        w.U32(0);
        w.U32(0);
    });

    private static void AudioTrak(BoxWriter w, AudioTrack audio) => w.Box("trak", () =>
    {
        // tkhd flags 3 (enabled, in movie), volume 1.0, no picture size.
        w.FullBox("tkhd", 0, 3, () =>
        {
            w.U32(0);
            w.U32(0);
            w.U32(AudioTrackId);
            w.U32(0);
            w.U32(0);
            w.Zeros(8);
            w.U16(0);
            w.U16(1);
            w.U16(0x0100);
            w.U16(0);
            Matrix(w);
            w.U32(0);
            w.U32(0);
        });
        w.Box("mdia", () =>
        {
            Mdhd(w, (uint)audio.SampleRate);
            Hdlr(w, "soun", "SoundHandler\0"u8);
            w.Box("minf", () =>
            {
                w.FullBox("smhd", 0, 0, () => w.U32(0));
                Dinf(w);
                w.Box("stbl", () =>
                {
                    w.FullBox("stsd", 0, 0, () =>
                    {
                        w.U32(1);
                        w.Box("mp4a", () =>
                        {
                            w.Zeros(6);
                            w.U16(1);
                            w.Zeros(8);
                            w.U16((ushort)audio.Channels);
                            w.U16(16);
                            w.U32(0);
                            w.U32((uint)audio.SampleRate << 16);
                            Esds(w, audio);
                        });
                    });
                    EmptySampleTables(w);
                });
            });
        });
    });

    // ISO/IEC 14496-1 §7.2.6: ES_Descriptor(3){ES_ID, flags, DecoderConfigDescriptor(4){objectTypeIndication 0x40
    // (MPEG-4 audio), streamType 5 (audio) << 2 | 1, buffer size, bitrates, DecoderSpecificInfo(5){AudioSpecificConfig}},
    // SLConfigDescriptor(6){predefined 2}}. Every length fits one byte here.
    private static void Esds(BoxWriter w, AudioTrack audio) => w.FullBox("esds", 0, 0, () =>
    {
        int config = audio.AudioSpecificConfig.Length;
        int decoderConfig = 13 + 2 + config;
        w.Bytes([0x03, (byte)(3 + 2 + decoderConfig + 3), 0x00, (byte)AudioTrackId, 0x00]);
        w.Bytes([0x04, (byte)decoderConfig, 0x40, 0x15, 0, 0, 0]);
        w.U32(0);
        w.U32(0);
        w.Bytes([0x05, (byte)config]);
        w.Bytes(audio.AudioSpecificConfig);
        w.Bytes([0x06, 0x01, 0x02]);
    });

    /// <summary>moof + mdat for one fragment; <paramref name="sequence"/> is the mfhd sequence number (1-based).</summary>
    public static byte[] MediaSegment(StoredFragment fragment, uint sequence, bool withVideo = true, bool withAudio = true)
    {
        long[] durations = fragment.FrameDurationsMs();
        long[] decoding = fragment.DecodingTimesMs();
        List<MediaFrame> frames = withVideo ? fragment.Frames : [];
        List<MediaFrame> audioFrames = fragment.AudioFrames;
        // A fragment of an A/V stream may carry no audio frames: then it has no audio traf.
        AudioTrack? audio = withAudio && audioFrames.Count > 0 ? fragment.Audio : null;
        using var output = new MemoryStream();
        var w = new BoxWriter(output);
        long dataOffsetPosition = 0;
        long audioOffsetPosition = 0;
        long moofStart = output.Position;
        w.Box("moof", () =>
        {
            w.FullBox("mfhd", 0, 0, () => w.U32(sequence));
            if (withVideo)
            {
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
            }

            if (audio is not null)
            {
                w.Box("traf", () =>
                {
                    w.FullBox("tfhd", 0, 0x020000, () => w.U32(AudioTrackId));
                    w.FullBox("tfdt", 1, 0, () => w.U64((ulong)Math.Max(0, audioFrames[0].TimeMs * audio.SampleRate / 1000)));
                    // data-offset, duration, size: every AAC frame is one 1024-sample access unit, a sync sample.
                    w.FullBox("trun", 0, 0x000301, () =>
                    {
                        w.U32((uint)audioFrames.Count);
                        audioOffsetPosition = output.Position;
                        w.U32(0);
                        foreach (MediaFrame frame in audioFrames)
                        {
                            w.U32(AudioTrack.SamplesPerFrame);
                            w.U32((uint)frame.Data.Length);
                        }
                    });
                });
            }
        });
        long moofSize = output.Position - moofStart;
        long payload = frames.Sum(f => (long)f.Data.Length);
        long audioPayload = audio is null ? 0 : audioFrames.Sum(f => (long)f.Data.Length);
        w.U32((uint)(8 + payload + audioPayload));
        w.Fourcc("mdat");
        foreach (MediaFrame frame in frames)
        {
            output.Write(frame.Data.Span);
        }

        if (audio is not null)
        {
            foreach (MediaFrame frame in audioFrames)
            {
                output.Write(frame.Data.Span);
            }
        }

        byte[] bytes = output.ToArray();
        if (withVideo)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan((int)dataOffsetPosition), (uint)(moofSize + 8));
        }

        if (audio is not null)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan((int)audioOffsetPosition), (uint)(moofSize + 8 + payload));
        }

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
