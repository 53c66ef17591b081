using System.Text;
using KvsProducer.Service;

namespace KvsProducer.Tests.Service;

public class AckParserTests
{
    private const string FirstNumber = "91343852333181432392682062607743920146159169392";
    private const string SecondNumber = "91343852333181432397633822764885441725874549018";

    // kvs-protocol.md §8.2: the de-chunked ACK stream of the worked example.
    private static readonly string Stream =
        $"{{\"EventType\":\"BUFFERING\",\"FragmentTimecode\":1700000000000,\"FragmentNumber\":\"{FirstNumber}\"}}\n" +
        $"{{\"EventType\":\"RECEIVED\",\"FragmentTimecode\":1700000000000,\"FragmentNumber\":\"{FirstNumber}\"}}\n" +
        $"{{\"EventType\":\"BUFFERING\",\"FragmentTimecode\":1700000002000,\"FragmentNumber\":\"{SecondNumber}\"}}\n" +
        $"{{\"EventType\":\"PERSISTED\",\"FragmentTimecode\":1700000000000,\"FragmentNumber\":\"{FirstNumber}\"}}\n" +
        "{\"EventType\":\"IDLE\"}\n" +
        $"{{\"EventType\":\"ERROR\",\"FragmentTimecode\":1700000002000,\"FragmentNumber\":\"{SecondNumber}\",\"ErrorCode\":\"MAX_FRAGMENT_DURATION_REACHED\",\"ErrorId\":4002}}\n";

    private static readonly FragmentAck[] Expected =
    [
        new(FragmentAckEventType.Buffering, 1700000000000, FirstNumber),
        new(FragmentAckEventType.Received, 1700000000000, FirstNumber),
        new(FragmentAckEventType.Buffering, 1700000002000, SecondNumber),
        new(FragmentAckEventType.Persisted, 1700000000000, FirstNumber),
        new(FragmentAckEventType.Idle, FragmentAck.NoTimecode, string.Empty),
        new(FragmentAckEventType.Error, 1700000002000, SecondNumber, 4002, "MAX_FRAGMENT_DURATION_REACHED"),
    ];

    [Test]
    public void Parses_every_event_of_the_worked_example()
    {
        Assert.That(ParseAll([Encoding.UTF8.GetBytes(Stream)]), Is.EqualTo(Expected));
    }

    [Test]
    public void Every_two_way_split_of_the_stream_gives_the_same_acks()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var at = 0; at <= bytes.Length; at++)
        {
            Assert.That(ParseAll([bytes[..at], bytes[at..]]), Is.EqualTo(Expected), $"split at {at}");
        }
    }

    [Test]
    public void Byte_by_byte_input_gives_the_same_acks()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        Assert.That(ParseAll(bytes.Select(b => new[] { b }).ToArray()), Is.EqualTo(Expected));
    }

    [Test]
    public void Whitespace_CRLF_field_order_unknown_fields_and_string_numbers_are_tolerated()
    {
        var text = "\r\n  { \"Extra\": {\"nested\": [1, {\"a\": 2}]}, \"FragmentNumber\" : \"12\",\r\n \"FragmentTimecode\":\"152148\", \"Flag\": true, \"EventType\":\"PERSISTED\" }\r\n\r\n";
        Assert.That(ParseAll([Encoding.UTF8.GetBytes(text)]), Is.EqualTo(new[] { new FragmentAck(FragmentAckEventType.Persisted, 152148, "12") }));
    }

    [Test]
    public void Objects_without_newlines_between_them_are_still_separated()
    {
        var text = "{\"EventType\":\"IDLE\"}{\"EventType\":\"IDLE\"}";
        Assert.That(ParseAll([Encoding.UTF8.GetBytes(text)]), Has.Length.EqualTo(2));
    }

    [Test]
    public void A_minus_one_timecode_means_no_fragment()
    {
        // kvs-protocol.md §4.2: the 4006 capture.
        var text = "{\"EventType\":\"ERROR\",\"FragmentTimecode\":-1,\"FragmentNumber\":\"\",\"ErrorId\":4006,\"ErrorCode\":\"INVALID_MKV_DATA\"}\n";
        var ack = ParseAll([Encoding.UTF8.GetBytes(text)]).Single();
        Assert.That(ack.HasFragmentTimecode, Is.False);
        Assert.That(ack.ErrorId, Is.EqualTo(4006));
        Assert.That(ack.FragmentNumber, Is.Empty);
    }

    [Test]
    public void Acks_of_one_fragment_share_one_fragment_number_string()
    {
        var acks = ParseAll([Encoding.UTF8.GetBytes(Stream)]);
        Assert.That(acks[1].FragmentNumber, Is.SameAs(acks[0].FragmentNumber));
        Assert.That(acks[3].FragmentNumber, Is.SameAs(acks[0].FragmentNumber));
    }

    [TestCase("{\"EventType\":\"BUFFERED\",\"FragmentTimecode\":1}\n", "EventType is not one of")]
    [TestCase("{\"FragmentTimecode\":1}\n", "no EventType")]
    [TestCase("{\"EventType\":\"BUFFERING\",\"FragmentTimecode\":\"soon\"}\n", "FragmentTimecode is not an unsigned integer")]
    [TestCase("{\"EventType\":\"ERROR\",\"ErrorId\":4.5}\n", "ErrorId is not an integer")]
    [TestCase("<html>Bad Gateway</html>\n", "not valid JSON")]
    [TestCase("[1,2]\n", "must be a JSON object")]
    [TestCase("{\"EventType\":\"IDLE\",}\n", "not valid JSON")]
    public void Malformed_acks_are_rejected_with_the_offending_text(string text, string what)
    {
        var parser = new AckParser();
        parser.Append(Encoding.UTF8.GetBytes(text));
        var error = Assert.Throws<KvsTransportException>(() => parser.TryRead(out _));
        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.MalformedAck));
        Assert.That(error.Message, Does.Contain(what).And.Contain(text.TrimEnd('\n')));
    }

    [Test]
    public void The_offending_text_is_truncated_to_200_characters()
    {
        var text = "{\"EventType\":\"NOPE\",\"Pad\":\"" + new string('x', 500) + "\"}\n";
        var parser = new AckParser();
        parser.Append(Encoding.UTF8.GetBytes(text));
        var error = Assert.Throws<KvsTransportException>(() => parser.TryRead(out _));
        Assert.That(error!.Message, Does.Contain(text[..200] + "…'").And.Not.Contain(text[..201]));
    }

    [Test]
    public void An_object_that_never_closes_is_rejected_once_it_exceeds_the_bound()
    {
        var parser = new AckParser();
        parser.Append(Encoding.UTF8.GetBytes("{\"EventType\":\"IDLE\",\"Pad\":\"" + new string('x', AckParser.MaxAckBytes)));
        var error = Assert.Throws<KvsTransportException>(() => parser.TryRead(out _));
        Assert.That(error!.Message, Does.Contain("longer than 16384 bytes"));
    }

    [Test]
    public void A_stream_that_ends_inside_an_object_is_an_error()
    {
        var parser = new AckParser();
        parser.Append("{\"EventType\":\"IDL"u8);
        Assert.That(parser.TryRead(out _), Is.False);
        var error = Assert.Throws<KvsTransportException>(parser.Complete);
        Assert.That(error!.Message, Does.Contain("ended inside an ACK object"));
    }

    private static FragmentAck[] ParseAll(byte[][] pieces)
    {
        var parser = new AckParser();
        var acks = new List<FragmentAck>();
        foreach (var piece in pieces)
        {
            parser.Append(piece);
            while (parser.TryRead(out var ack))
            {
                acks.Add(ack);
            }
        }

        parser.Complete();
        return acks.ToArray();
    }
}
