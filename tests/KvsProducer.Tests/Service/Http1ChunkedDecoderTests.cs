using System.Buffers;
using System.Text;
using KvsProducer.Service;

namespace KvsProducer.Tests.Service;

public class Http1ChunkedDecoderTests
{
    // kvs-protocol.md §8.2: one chunk per ACK, then the last chunk; plus an extension and a trailer for coverage.
    private const string Body =
        "15\r\n{\"EventType\":\"IDLE\"}\n\r\n" +
        "7;ext=1\r\nABCDEFG\r\n" +
        "A\r\n0123456789\r\n" +
        "0\r\nX-Trailer: t\r\n\r\n";

    private const string Payload = "{\"EventType\":\"IDLE\"}\nABCDEFG0123456789";

    [Test]
    public void Every_two_way_split_decodes_the_same_payload()
    {
        var bytes = Encoding.ASCII.GetBytes(Body + "NEXT");
        for (var at = 0; at <= bytes.Length; at++)
        {
            var (payload, ended, rest) = DecodeIncrementally([bytes[..at], bytes[at..]]);
            Assert.That(payload, Is.EqualTo(Payload), $"split at {at}");
            Assert.That(ended, Is.True, $"split at {at}");
            Assert.That(rest, Is.EqualTo("NEXT"), $"split at {at}: bytes after the body are not consumed");
        }
    }

    [Test]
    public void Byte_by_byte_input_decodes_the_same_payload()
    {
        var bytes = Encoding.ASCII.GetBytes(Body);
        var (payload, ended, _) = DecodeIncrementally(bytes.Select(b => new[] { b }).ToArray());
        Assert.That(payload, Is.EqualTo(Payload));
        Assert.That(ended, Is.True);
    }

    [Test]
    public void Data_comes_back_as_slices_of_the_input_without_copying()
    {
        var bytes = Encoding.ASCII.GetBytes(Body);
        var decoder = new Http1ChunkedDecoder();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.That(decoder.Decode(ref reader, out var data), Is.EqualTo(Http1ChunkStep.Data));
        Assert.That(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data.First, out var segment), Is.True);
        Assert.That(segment.Array, Is.SameAs(bytes));
        Assert.That(segment.Offset, Is.EqualTo(4));
    }

    [TestCase("G\r\nabc\r\n", "does not start with a hex digit", 0)]
    [TestCase("3x\r\nabc\r\n", "byte 0x78 after the chunk size", 0)]
    [TestCase("3\r\nabcd\r\n", "not followed by CRLF", 6)]
    [TestCase("1000000000000000\r\n", "more than 15 hex digits", 0)]
    [TestCase("3\r\nabc\r\n2\r\nxyz", "not followed by CRLF", 13)]
    public void Malformed_chunks_are_rejected_with_what_and_where(string body, string what, int offset)
    {
        var error = Assert.Throws<KvsTransportException>(() => DecodeIncrementally([Encoding.ASCII.GetBytes(body)]));
        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.MalformedHttp));
        Assert.That(error.Message, Does.Contain(what).And.Contain($"at byte {offset}"));
    }

    [Test]
    public void A_size_line_without_end_is_rejected_once_it_exceeds_its_bound()
    {
        var decoder = new Http1ChunkedDecoder();
        var bytes = Encoding.ASCII.GetBytes("1;" + new string('e', 200));
        var error = Assert.Throws<KvsTransportException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
            decoder.Decode(ref reader, out _);
        });
        Assert.That(error!.Message, Does.Contain($"chunk-size line longer than {Http1ChunkedDecoder.MaxChunkSizeLine} bytes"));
    }

    // Feeds pieces the way the connection does: unread bytes are presented again with the next piece appended.
    private static (string Payload, bool Ended, string After) DecodeIncrementally(byte[][] pieces)
    {
        var decoder = new Http1ChunkedDecoder();
        var payload = new StringBuilder();
        var pending = Array.Empty<byte>();
        foreach (var piece in pieces)
        {
            var buffer = Splits.Of(pending, piece);
            var reader = new SequenceReader<byte>(buffer);
            while (true)
            {
                var step = decoder.Decode(ref reader, out var data);
                if (step == Http1ChunkStep.Data)
                {
                    payload.Append(Encoding.ASCII.GetString(data.ToArray()));
                    continue;
                }

                if (step == Http1ChunkStep.End)
                {
                    return (payload.ToString(), true, Encoding.ASCII.GetString(reader.UnreadSequence.ToArray()) + string.Concat(pieces.SkipWhile(p => p != piece).Skip(1).Select(p => Encoding.ASCII.GetString(p))));
                }

                break;
            }

            pending = reader.UnreadSequence.ToArray();
        }

        return (payload.ToString(), false, string.Empty);
    }
}
