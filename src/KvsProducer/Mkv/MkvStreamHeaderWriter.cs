using System.Buffers;

namespace KvsProducer.Mkv;

/// <summary>
/// Writes the stream header a PutMedia session (or an MKV file) starts with: EBML header, Segment of
/// unknown size, Info, Tracks. Written once per stream and replayed at the start
/// of every session, so it is built as a byte array; the per-frame path never comes here.
/// </summary>
internal static class MkvStreamHeaderWriter
{
    /// <summary>§6.3 item 1: the fixed EBML header (DocType matroska, DocTypeVersion 2 as the PIC writes).</summary>
    private static ReadOnlySpan<byte> EbmlHeader =>
    [
        0x1A, 0x45, 0xDF, 0xA3, 0xA3,
        0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08,
        0x42, 0x82, 0x88, (byte)'m', (byte)'a', (byte)'t', (byte)'r', (byte)'o', (byte)'s', (byte)'k', (byte)'a',
        0x42, 0x87, 0x81, 0x02, 0x42, 0x85, 0x81, 0x02,
    ];

    /// <summary>§6.3 item 2: Segment with the one-byte unknown size.</summary>
    private static ReadOnlySpan<byte> SegmentStart => [0x18, 0x53, 0x80, 0x67, EbmlEncoding.UnknownSize];

    public static byte[] Build(MkvSegmentInfo info, IReadOnlyList<MkvTrackHeader> tracks)
    {
        var output = new ArrayBufferWriter<byte>(1024);
        output.Write(EbmlHeader);
        output.Write(SegmentStart);
        WriteInfo(output, info);
        WriteTracks(output, tracks);
        return output.WrittenSpan.ToArray();
    }

    private static void WriteInfo(ArrayBufferWriter<byte> output, MkvSegmentInfo info)
    {
        var children = new ArrayBufferWriter<byte>(256);
        EbmlEncoding.WriteBinary(children, MkvElementIds.SegmentUid, info.SegmentUid.Span);
        EbmlEncoding.WriteUnsigned(children, MkvElementIds.TimecodeScale, (ulong)info.TimecodeScaleNanoseconds);
        EbmlEncoding.WriteUtf8(children, MkvElementIds.Title, info.Title);
        EbmlEncoding.WriteUtf8(children, MkvElementIds.MuxingApp, info.Application);
        EbmlEncoding.WriteUtf8(children, MkvElementIds.WritingApp, info.Application);
        EbmlEncoding.WriteMaster(output, MkvElementIds.Info, children.WrittenSpan);
    }

    private static void WriteTracks(ArrayBufferWriter<byte> output, IReadOnlyList<MkvTrackHeader> tracks)
    {
        var entries = new ArrayBufferWriter<byte>(512);
        foreach (var track in tracks)
        {
            var entry = new ArrayBufferWriter<byte>(256);
            EbmlEncoding.WriteUnsigned(entry, MkvElementIds.TrackNumber, (ulong)track.TrackNumber);
            EbmlEncoding.WriteUnsigned(entry, MkvElementIds.TrackUid, track.TrackUid);
            EbmlEncoding.WriteUnsigned(entry, MkvElementIds.TrackType, (ulong)track.TrackType);
            EbmlEncoding.WriteUtf8(entry, MkvElementIds.Name, track.Name);
            EbmlEncoding.WriteUtf8(entry, MkvElementIds.CodecId, track.CodecId);
            if (track.Width > 0 && track.Height > 0)
            {
                var video = new ArrayBufferWriter<byte>(16);
                EbmlEncoding.WriteUnsigned(video, MkvElementIds.PixelWidth, (ulong)track.Width);
                EbmlEncoding.WriteUnsigned(video, MkvElementIds.PixelHeight, (ulong)track.Height);
                EbmlEncoding.WriteMaster(entry, MkvElementIds.Video, video.WrittenSpan);
            }

            if (track.SamplingRate > 0)
            {
                WriteAudio(entry, track);
            }

            if (!track.CodecPrivateData.IsEmpty)
            {
                EbmlEncoding.WriteBinary(entry, MkvElementIds.CodecPrivate, track.CodecPrivateData.Span);
            }

            EbmlEncoding.WriteMaster(entries, MkvElementIds.TrackEntry, entry.WrittenSpan);
        }

        EbmlEncoding.WriteMaster(output, MkvElementIds.Tracks, entries.WrittenSpan);
    }

    // Track entry Audio element as producer-c's mkvgen writes it: SamplingFrequency (float), Channels, BitDepth when known.
    private static void WriteAudio(ArrayBufferWriter<byte> entry, MkvTrackHeader track)
    {
        var audio = new ArrayBufferWriter<byte>(32);
        Span<byte> frequency = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(frequency, track.SamplingRate);
        EbmlEncoding.WriteBinary(audio, MkvElementIds.SamplingFrequency, frequency);
        EbmlEncoding.WriteUnsigned(audio, MkvElementIds.Channels, (ulong)track.Channels);
        if (track.BitDepth > 0)
        {
            EbmlEncoding.WriteUnsigned(audio, MkvElementIds.BitDepth, (ulong)track.BitDepth);
        }

        EbmlEncoding.WriteMaster(entry, MkvElementIds.Audio, audio.WrittenSpan);
    }
}
