using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Storage;

namespace KvsProducer.LocalEndpoint.Internal.ReadBack;

/// <summary>
/// Writes stored fragments as the service's GetMedia "chunks": EBML
/// header, Segment of unknown size, the producer's header elements, service Tags #1 (fragment
/// number, server and producer timestamps), the fragment, service Tags #2 (millis behind now,
/// continuation token). Every service Tags size is a 4-byte vint, as captured.
/// </summary>
internal static class MediaChunkWriter
{
    // The 40-byte EBML header the PIC writes (DocType matroska, version 2).
    private static ReadOnlySpan<byte> EbmlHeader =>
    [
        0x1A, 0x45, 0xDF, 0xA3, 0xA3,
        0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08,
        0x42, 0x82, 0x88, (byte)'m', (byte)'a', (byte)'t', (byte)'r', (byte)'o', (byte)'s', (byte)'k', (byte)'a',
        0x42, 0x87, 0x81, 0x02, 0x42, 0x85, 0x81, 0x02,
    ];

    // The service echoes an 8-byte unknown Segment size.
    private static ReadOnlySpan<byte> SegmentUnknownSize => [0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    public static async Task WriteAsync(Stream output, FragmentStore store, FragmentRecord fragment, long nowMs, CancellationToken cancellationToken)
    {
        byte[] header = await File.ReadAllBytesAsync(store.PathOf(fragment.HeaderFile), cancellationToken).ConfigureAwait(false);
        await WritePrefixAsync(output, header, fragment.Number, fragment.ServerTimestampMs, fragment.ProducerTimestampMs, cancellationToken).ConfigureAwait(false);
        await using (var file = new FileStream(store.PathOf(fragment.File), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true))
        {
            await file.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
        }

        await WriteSuffixAsync(output, fragment.Number, fragment.ServerTimestampMs, nowMs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What precedes the fragment's own bytes: EBML header, Segment, producer header, service Tags #1.</summary>
    public static async Task WritePrefixAsync(Stream output, ReadOnlyMemory<byte> header, string number, long serverTimestampMs, long producerTimestampMs, CancellationToken cancellationToken)
    {
        var prefix = new ArrayBufferWriter<byte>(4096);
        prefix.Write(EbmlHeader);
        prefix.Write(SegmentUnknownSize);
        prefix.Write(header.Span);
        WriteTags(prefix,
        [
            ("AWS_KINESISVIDEO_FRAGMENT_NUMBER", number),
            ("AWS_KINESISVIDEO_SERVER_TIMESTAMP", Seconds(serverTimestampMs)),
            ("AWS_KINESISVIDEO_PRODUCER_TIMESTAMP", Seconds(producerTimestampMs)),
        ]);
        await output.WriteAsync(prefix.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What follows the fragment: service Tags #2 (millis behind now, continuation token), then a flush.</summary>
    public static async Task WriteSuffixAsync(Stream output, string number, long serverTimestampMs, long nowMs, CancellationToken cancellationToken)
    {
        var suffix = new ArrayBufferWriter<byte>(256);
        WriteTags(suffix,
        [
            ("AWS_KINESISVIDEO_MILLIS_BEHIND_NOW", Math.Max(0, nowMs - serverTimestampMs).ToString(CultureInfo.InvariantCulture)),
            // In both captures the token equals the fragment number.
            ("AWS_KINESISVIDEO_CONTINUATION_TOKEN", number),
        ]);
        await output.WriteAsync(suffix.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"epoch seconds.3-digit ms".</summary>
    public static string Seconds(long ms) => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000}.{ms % 1000:D3}");

    // Tags{ Tag{ SimpleTag{ TagName, TagString }… } } with 4-byte sizes (10 00 00 xx…).
    private static void WriteTags(ArrayBufferWriter<byte> output, (string Name, string Value)[] tags)
    {
        int simpleTagsSize = 0;
        foreach ((string name, string value) in tags)
        {
            simpleTagsSize += 6 + SimpleTagPayload(name, value);
        }

        WriteHeader(output, [0x12, 0x54, 0xC3, 0x67], 6 + simpleTagsSize);
        WriteHeader(output, [0x73, 0x73], simpleTagsSize);
        foreach ((string name, string value) in tags)
        {
            WriteHeader(output, [0x67, 0xC8], SimpleTagPayload(name, value));
            WriteString(output, [0x45, 0xA3], name);
            WriteString(output, [0x44, 0x87], value);
        }
    }

    private static int SimpleTagPayload(string name, string value) => 6 + Encoding.UTF8.GetByteCount(name) + 6 + Encoding.UTF8.GetByteCount(value);

    private static void WriteString(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> id, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteHeader(output, id, length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    private static void WriteHeader(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> id, int size)
    {
        Span<byte> span = output.GetSpan(id.Length + 4);
        id.CopyTo(span);
        BinaryPrimitives.WriteUInt32BigEndian(span[id.Length..], 0x10000000u | (uint)size);
        output.Advance(id.Length + 4);
    }
}
