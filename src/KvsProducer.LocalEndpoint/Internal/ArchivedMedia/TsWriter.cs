using System.Buffers.Binary;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// MPEG-2 transport stream (ISO/IEC 13818-1) for one H.264 track, one segment per KVS fragment:
/// PAT, PMT (stream type 0x1B), then one PES per frame with PTS/DTS on the 90 kHz clock, the PCR
/// on each PES start, Annex-B NAL units with an access unit delimiter and the SPS/PPS in front of
/// every key frame (what HLS TS segments need to start decoding on their own; RFC 8216 §3.2).
/// An AAC track goes on its own PID (stream type 0x0F, ADTS): one PES per frame with a 7-byte ADTS header
/// in front of the raw access unit, interleaved with the video PES by time (RFC 8216 §3.2: AAC in TS is ADTS).
/// </summary>
internal static class TsWriter
{
    private const int PacketSize = 188;
    private const ushort PmtPid = 0x1000, VideoPid = 0x100, AudioPid = 0x101;
    private static ReadOnlySpan<byte> StartCode => [0, 0, 0, 1];
    private static ReadOnlySpan<byte> AccessUnitDelimiter => [0, 0, 0, 1, 0x09, 0xF0];

    public static byte[] Segment(StoredFragment fragment)
    {
        var output = new MemoryStream();
        byte cc = 0, audioCc = 0;
        AudioTrack? audio = fragment.Audio;
        WriteSection(output, 0, Pat());
        WriteSection(output, PmtPid, Pmt(audio is not null));
        long[] decoding = fragment.DecodingTimesMs();
        List<byte[]> parameterSets = fragment.Track.ParameterSets();
        int nalLength = fragment.Track.NalLengthSize;
        List<MediaFrame> audioFrames = audio is null ? [] : fragment.AudioFrames;
        int a = 0;
        for (int i = 0; i < fragment.Frames.Count; i++)
        {
            for (; a < audioFrames.Count && audioFrames[a].TimeMs < decoding[i]; a++)
            {
                WritePes(output, AudioPid, AudioPes(audio!, audioFrames[a]), pcr: null, randomAccess: true, ref audioCc);
            }

            MediaFrame frame = fragment.Frames[i];
            byte[] pes = Pes(AnnexB(frame, parameterSets, nalLength), Clock(frame.TimeMs), Clock(decoding[i]));
            WritePes(output, VideoPid, pes, Clock(decoding[i]), frame.KeyFrame, ref cc);
        }

        for (; a < audioFrames.Count; a++)
        {
            WritePes(output, AudioPid, AudioPes(audio!, audioFrames[a]), pcr: null, randomAccess: true, ref audioCc);
        }

        return output.ToArray();
    }

    // 33-bit 90 kHz timestamps wrap about every 26.5 hours; players handle the wrap.
    private static ulong Clock(long ms) => (ulong)(ms * 90) & 0x1FFFFFFFFUL;

    private static byte[] AnnexB(MediaFrame frame, List<byte[]> parameterSets, int nalLength)
    {
        var output = new MemoryStream(frame.Data.Length + 64);
        output.Write(AccessUnitDelimiter);
        if (frame.KeyFrame)
        {
            foreach (byte[] set in parameterSets)
            {
                output.Write(StartCode);
                output.Write(set);
            }
        }

        ReadOnlySpan<byte> data = frame.Data.Span;
        int offset = 0;
        while (offset + nalLength <= data.Length)
        {
            int length = 0;
            for (int i = 0; i < nalLength; i++)
            {
                length = (length << 8) | data[offset + i];
            }

            offset += nalLength;
            if (length <= 0 || offset + length > data.Length)
            {
                throw ServiceError.InvalidArgument("A stored frame is not in AVCC form (length-prefixed NAL units): send H.264 as length-prefixed NAL units (the producer's NAL adaptation from Annex B).");
            }

            int type = data[offset] & 0x1F;
            if (type != 9)
            {
                output.Write(StartCode);
                output.Write(data.Slice(offset, length));
            }

            offset += length;
        }

        return output.ToArray();
    }

    private static byte[] Pes(byte[] payload, ulong pts, ulong dts)
    {
        bool withDts = pts != dts;
        int headerData = withDts ? 10 : 5;
        var pes = new byte[9 + headerData + payload.Length];
        pes[2] = 1;
        pes[3] = 0xE0;
        // PES_packet_length 0 is allowed for video (unbounded).
        pes[6] = 0x80;
        pes[7] = (byte)(withDts ? 0xC0 : 0x80);
        pes[8] = (byte)headerData;
        WriteTimestamp(pes.AsSpan(9), withDts ? (byte)0x3 : (byte)0x2, pts);
        if (withDts)
        {
            WriteTimestamp(pes.AsSpan(14), 0x1, dts);
        }

        payload.CopyTo(pes, 9 + headerData);
        return pes;
    }

    // Audio PES (stream_id 0xC0) with a bounded length and a PTS; payload = ADTS header + raw AAC frame.
    private static byte[] AudioPes(AudioTrack audio, MediaFrame frame)
    {
        int payload = 7 + frame.Data.Length;
        var pes = new byte[14 + payload];
        pes[2] = 1;
        pes[3] = 0xC0;
        BinaryPrimitives.WriteUInt16BigEndian(pes.AsSpan(4), (ushort)(8 + payload));
        pes[6] = 0x80;
        pes[7] = 0x80;
        pes[8] = 5;
        WriteTimestamp(pes.AsSpan(9), 0x2, Clock(frame.TimeMs));
        audio.WriteAdtsHeader(pes.AsSpan(14), frame.Data.Length);
        frame.Data.Span.CopyTo(pes.AsSpan(21));
        return pes;
    }

    private static void WriteTimestamp(Span<byte> span, byte prefix, ulong value)
    {
        span[0] = (byte)((prefix << 4) | (int)(((value >> 30) & 0x07) << 1) | 1);
        span[1] = (byte)(value >> 22);
        span[2] = (byte)((((value >> 15) & 0x7F) << 1) | 1);
        span[3] = (byte)(value >> 7);
        span[4] = (byte)(((value & 0x7F) << 1) | 1);
    }

    private static void WritePes(MemoryStream output, ushort pid, byte[] pes, ulong? pcr, bool randomAccess, ref byte cc)
    {
        int offset = 0;
        bool first = true;
        Span<byte> packet = stackalloc byte[PacketSize];
        while (offset < pes.Length)
        {
            packet.Fill(0xFF);
            packet[0] = 0x47;
            packet[1] = (byte)((first ? 0x40 : 0) | (pid >> 8));
            packet[2] = (byte)pid;
            int headerLength = 4;
            int adaptationLength = 0;
            bool withPcr = first && pcr is not null;
            if (withPcr)
            {
                // adaptation field: flags + 6-byte PCR.
                adaptationLength = 1 + 1 + 6;
            }

            int remaining = pes.Length - offset;
            int room = PacketSize - headerLength - adaptationLength;
            if (remaining < room)
            {
                // Stuff the adaptation field so the payload ends the packet exactly.
                adaptationLength = Math.Max(adaptationLength, 0) + (room - remaining);
                room = remaining;
            }

            packet[3] = (byte)((adaptationLength > 0 ? 0x30 : 0x10) | (cc & 0x0F));
            cc++;
            if (adaptationLength > 0)
            {
                packet[4] = (byte)(adaptationLength - 1);
                if (adaptationLength > 1)
                {
                    packet[5] = 0;
                    int p = 6;
                    if (withPcr)
                    {
                        ulong clock = pcr!.Value;
                        packet[5] = (byte)(0x10 | (randomAccess ? 0x40 : 0));
                        packet[6] = (byte)(clock >> 25);
                        packet[7] = (byte)(clock >> 17);
                        packet[8] = (byte)(clock >> 9);
                        packet[9] = (byte)(clock >> 1);
                        packet[10] = (byte)(((clock & 1) << 7) | 0x7E);
                        packet[11] = 0;
                        p = 12;
                    }

                    packet[p..(4 + adaptationLength)].Fill(0xFF);
                }
            }

            pes.AsSpan(offset, room).CopyTo(packet[(4 + adaptationLength)..]);
            offset += room;
            output.Write(packet);
            first = false;
        }
    }

    private static void WriteSection(MemoryStream output, ushort pid, byte[] section)
    {
        Span<byte> packet = stackalloc byte[PacketSize];
        packet.Fill(0xFF);
        packet[0] = 0x47;
        packet[1] = (byte)(0x40 | (pid >> 8));
        packet[2] = (byte)pid;
        packet[3] = 0x10;
        packet[4] = 0; // pointer_field
        section.CopyTo(packet[5..]);
        output.Write(packet);
    }

    private static byte[] Pat() => WithCrc(
    [
        0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00,
        0x00, 0x01, (byte)(0xE0 | (PmtPid >> 8)), PmtPid & 0xFF,
    ]);

    // PMT: PCR on the video PID; H.264 (0x1B), then ADTS AAC (0x0F) when the stream has audio.
    private static byte[] Pmt(bool withAudio) => WithCrc(withAudio
        ?
        [
            0x02, 0xB0, 0x17, 0x00, 0x01, 0xC1, 0x00, 0x00,
            (byte)(0xE0 | (VideoPid >> 8)), VideoPid & 0xFF, 0xF0, 0x00,
            0x1B, (byte)(0xE0 | (VideoPid >> 8)), VideoPid & 0xFF, 0xF0, 0x00,
            0x0F, (byte)(0xE0 | (AudioPid >> 8)), AudioPid & 0xFF, 0xF0, 0x00,
        ]
        :
        [
            0x02, 0xB0, 0x12, 0x00, 0x01, 0xC1, 0x00, 0x00,
            (byte)(0xE0 | (VideoPid >> 8)), VideoPid & 0xFF, 0xF0, 0x00,
            0x1B, (byte)(0xE0 | (VideoPid >> 8)), VideoPid & 0xFF, 0xF0, 0x00,
        ]);

    private static byte[] WithCrc(byte[] section)
    {
        var result = new byte[section.Length + 4];
        section.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(section.Length), Crc32Mpeg(section));
        return result;
    }

    // CRC-32/MPEG-2 (polynomial 0x04C11DB7, no reflection, no final xor), ISO/IEC 13818-1 Annex A.
    private static uint Crc32Mpeg(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= (uint)b << 24;
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }

        return crc;
    }
}
