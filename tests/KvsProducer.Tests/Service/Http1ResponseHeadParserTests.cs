using System.Buffers;
using System.Text;
using KvsProducer.Service;

namespace KvsProducer.Tests.Service;

public class Http1ResponseHeadParserTests
{
    // kvs-protocol.md §8.2: the head of the ACK stream response, followed by the first chunk.
    private static readonly byte[] AckResponse = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\n" +
        "x-amzn-RequestId: 3f0c2a9e-6b1d-4d7c-9d0e-2f1a5b7c8e90\r\n" +
        "Date: Fri, 01 May 2026 10:15:31 GMT\r\n" +
        "Transfer-Encoding: chunked\r\n" +
        "\r\n" +
        "15\r\n{\"EventType\":\"IDLE\"}\n\r\n");

    private static readonly int HeadLength = Encoding.ASCII.GetString(AckResponse).IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;

    [Test]
    public void Parses_status_headers_and_stops_at_the_end_of_the_head()
    {
        Assert.That(Http1ResponseHeadParser.TryParse(new ReadOnlySequence<byte>(AckResponse), out var head, out var end), Is.True);
        Assert.That(head!.StatusCode, Is.EqualTo(200));
        Assert.That(head.ReasonPhrase, Is.EqualTo("OK"));
        Assert.That(head.Version, Is.EqualTo(new Version(1, 1)));
        Assert.That(head.RequestId, Is.EqualTo("3f0c2a9e-6b1d-4d7c-9d0e-2f1a5b7c8e90"));
        Assert.That(head.Date, Is.EqualTo(new DateTimeOffset(2026, 5, 1, 10, 15, 31, TimeSpan.Zero)));
        Assert.That(Http1BodyFraming.For(head).Kind, Is.EqualTo(Http1BodyKind.Chunked));
        Assert.That(new ReadOnlySequence<byte>(AckResponse).Slice(0, end).Length, Is.EqualTo(HeadLength));
    }

    [Test]
    public void Every_split_of_the_input_gives_the_same_head()
    {
        for (var at = 0; at <= AckResponse.Length; at++)
        {
            Assert.That(Http1ResponseHeadParser.TryParse(Splits.At(AckResponse, at), out var head, out var end), Is.True, $"split at {at}");
            Assert.That(head!.Headers, Has.Count.EqualTo(3), $"split at {at}");
            Assert.That(Splits.At(AckResponse, at).Slice(0, end).Length, Is.EqualTo(HeadLength), $"split at {at}");
        }
    }

    [Test]
    public void Every_prefix_of_the_head_asks_for_more_data()
    {
        for (var length = 0; length < HeadLength; length++)
        {
            Assert.That(Http1ResponseHeadParser.TryParse(new ReadOnlySequence<byte>(AckResponse, 0, length), out _, out _), Is.False, $"prefix {length}");
        }
    }

    [Test]
    public void Bare_LF_line_endings_are_accepted()
    {
        var bytes = "HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: NotAuthorizedException:http://internal.amazon.com/coral/\nContent-Length: 2\n\n{}"u8.ToArray();
        Assert.That(Http1ResponseHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), out var head, out _), Is.True);
        Assert.That(head!.StatusCode, Is.EqualTo(403));
        Assert.That(head.ErrorType, Does.StartWith("NotAuthorizedException"));
        Assert.That(Http1BodyFraming.For(head), Is.EqualTo(new Http1BodyFraming(Http1BodyKind.ContentLength, 2)));
    }

    [TestCase("HTTP/2 200 OK\r\n\r\n", "does not start with 'HTTP/1.1 '", 0)]
    [TestCase("HTTP/1.1 2x0 OK\r\n\r\n", "status code is not three digits", 9)]
    [TestCase("HTTP/1.1 200OK\r\n\r\n", "not followed by a space", 12)]
    [TestCase("HTTP/1.1 200 OK\r\nDate Tue\r\n\r\n", "header line without ':'", 17)]
    [TestCase("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", "obsolete header line folding", 23)]
    [TestCase("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "byte 0x20 is not allowed in a header name", 20)]
    [TestCase("HTTP/1.1 200 OK\r\nA: b\u0001c\r\n\r\n", "control byte 0x01 in the value of header 'A'", 19)]
    public void Malformed_heads_are_rejected_with_what_and_where(string response, string what, int offset)
    {
        var bytes = Encoding.Latin1.GetBytes(response);
        var error = Assert.Throws<KvsTransportException>(() => Http1ResponseHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), out _, out _));
        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.MalformedHttp));
        Assert.That(error.Message, Does.Contain(what).And.Contain($"at byte {offset}"));
    }

    [Test]
    public void A_head_longer_than_64_KiB_is_rejected_before_it_completes()
    {
        var bytes = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Repeat("X-Filler: " + new string('a', 100) + "\r\n", 700)));
        var error = Assert.Throws<KvsTransportException>(() => Http1ResponseHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), out _, out _));
        Assert.That(error!.Message, Does.Contain("longer than 65536 bytes"));
    }

    [Test]
    public void Differing_content_lengths_are_rejected()
    {
        var bytes = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"u8.ToArray();
        Assert.That(Http1ResponseHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), out var head, out _), Is.True);
        var error = Assert.Throws<KvsTransportException>(() => Http1BodyFraming.For(head!));
        Assert.That(error!.Message, Does.Contain("two different Content-Length values"));
    }

    [Test]
    public void Chunked_wins_over_content_length_and_no_framing_means_read_to_close()
    {
        var both = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray();
        Http1ResponseHeadParser.TryParse(new ReadOnlySequence<byte>(both), out var bothHead, out _);
        Assert.That(Http1BodyFraming.For(bothHead!).Kind, Is.EqualTo(Http1BodyKind.Chunked));
        var neither = "HTTP/1.0 200 OK\r\n\r\n"u8.ToArray();
        Http1ResponseHeadParser.TryParse(new ReadOnlySequence<byte>(neither), out var neitherHead, out _);
        Assert.That(Http1BodyFraming.For(neitherHead!).Kind, Is.EqualTo(Http1BodyKind.UntilClose));
    }
}
