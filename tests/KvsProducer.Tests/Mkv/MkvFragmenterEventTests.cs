using System.Buffers;
using KvsProducer.Mkv;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Mkv;

/// <summary>
/// Kinesis Video Streams events (image generation, notification) as the official SDKs write them: one Tags
/// element per event, <c>Tags{Tag{SimpleTag(AWS_KINESISVIDEO_…, ""), [SimpleTag(AWS_KINESISVIDEO_IMAGE_PREFIX, p)], pairs…}}</c>
/// (pic:src/client/src/Stream.c packageStreamMetadata, mkvgen MkvGenerator.c mkvgenGenerateTagsChain), before the
/// Cluster of the fragment they tag. Checked with our EBML reader and with mkvinfo.
/// </summary>
public class MkvFragmenterEventTests
{
    private static readonly TimeSpan Epoch = TimeSpan.FromSeconds(1_700_000_000);

    private static (MkvInspector Mkv, byte[] Bytes) Package(Action<MkvFragmenter> beforeSecondFragment) => Package(_ => { }, beforeSecondFragment);

    private static (MkvInspector Mkv, byte[] Bytes) Package(Action<MkvFragmenter> beforeFirstFragment, Action<MkvFragmenter> beforeSecondFragment)
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions());
        var output = new ArrayBufferWriter<byte>();
        var frames = RecordedFrames.H264VgaFrames(Epoch, 50);
        for (var i = 0; i < frames.Length; i++)
        {
            if (i == 0)
            {
                beforeFirstFragment(fragmenter);
            }

            if (i == 25)
            {
                beforeSecondFragment(fragmenter);
            }

            fragmenter.Write(frames[i], output);
        }

        fragmenter.CompleteFragment(output);
        var bytes = output.WrittenSpan.ToArray();
        return (new MkvInspector(bytes), bytes);
    }

    [Test]
    public void Image_generation_is_one_tag_with_the_event_name_the_prefix_and_the_pairs_before_the_next_cluster()
    {
        var metadata = new StreamEventMetadata { ImagePrefix = "front-door", Pairs = [new("camera", "porch"), new("motion", "0.8")] };

        var (mkv, _) = Package(f => f.PutEvent(StreamEventType.ImageGeneration, metadata));

        var second = mkv.Clusters.ElementAt(1);
        var tags = mkv.SegmentChildren.ToList()[mkv.SegmentChildren.ToList().IndexOf(second) - 1];
        Assert.That(tags.Id, Is.EqualTo(MkvElementIds.Tags));
        Assert.That(tags.ChildrenWithId(MkvElementIds.Tag).Count(), Is.EqualTo(1), "one Tag holds the event and its siblings");
        Assert.That(mkv.SimpleTags(tags), Is.EqualTo(new[]
        {
            ("AWS_KINESISVIDEO_IMAGE_GENERATION", ""), ("AWS_KINESISVIDEO_IMAGE_PREFIX", "front-door"), ("camera", "porch"), ("motion", "0.8"),
        }));
        Assert.That(mkv.TagsBefore(mkv.Clusters.First()), Is.Empty, "the event tags only the fragment after the request");
    }

    [Test]
    public void Both_events_give_two_tags_elements_notification_after_image_generation()
    {
        var (mkv, _) = Package(f => f.PutEvent(StreamEventType.ImageGeneration | StreamEventType.Notification, new StreamEventMetadata { Pairs = [new("k", "v")] }));

        Assert.That(mkv.TagsBefore(mkv.Clusters.ElementAt(1)), Is.EqualTo(new[]
        {
            ("AWS_KINESISVIDEO_IMAGE_GENERATION", ""), ("k", "v"), ("AWS_KINESISVIDEO_NOTIFICATION", ""), ("k", "v"),
        }));
    }

    [Test]
    public void Event_sizes_are_eight_byte_vints_as_the_pic_writes_them()
    {
        // MkvStatics.c gMkvTagsBits/gMkvTagSimpleBits/gMkvTagNameBits/gMkvTagStringBits: every size is 01 00 00 00 00 00 00 xx.
        var (_, bytes) = Package(f => f.PutEvent(StreamEventType.Notification));

        var name = "AWS_KINESISVIDEO_NOTIFICATION"u8.ToArray();
        var at = bytes.AsSpan().IndexOf(name);
        // Tags(4+8) Tag(2+8) SimpleTag(2+8) TagName(2+8) name TagString(2+8)
        var tags = bytes.AsSpan(at - 8 - 2 - 8 - 2 - 8 - 2 - 8 - 4);
        byte[] expected =
        [
            0x12, 0x54, 0xC3, 0x67, 0x01, 0, 0, 0, 0, 0, 0, 10 + 10 + 10 + 29 + 10,
            0x73, 0x73, 0x01, 0, 0, 0, 0, 0, 0, 10 + 10 + 29 + 10,
            0x67, 0xC8, 0x01, 0, 0, 0, 0, 0, 0, 10 + 29 + 10,
            0x45, 0xA3, 0x01, 0, 0, 0, 0, 0, 0, 29,
        ];
        Assert.That(tags[..expected.Length].ToArray(), Is.EqualTo(expected));
        Assert.That(tags.Slice(expected.Length + name.Length, 10).ToArray(), Is.EqualTo(new byte[] { 0x44, 0x87, 0x01, 0, 0, 0, 0, 0, 0, 0 }));
    }

    [Test]
    public void Mkvinfo_shows_the_event_tags()
    {
        var (_, bytes) = Package(f => f.PutEvent(StreamEventType.ImageGeneration, new StreamEventMetadata { ImagePrefix = "p1" }));
        var path = Path.Combine(FfmpegTool.CreateTemporaryDirectory(), "event.mkv");
        File.WriteAllBytes(path, bytes);

        var (info, _) = FfmpegTool.Run("mkvinfo", ["--all", path]);

        Assert.That(info, Does.Contain("Name: AWS_KINESISVIDEO_IMAGE_GENERATION"));
        Assert.That(info, Does.Contain("Name: AWS_KINESISVIDEO_IMAGE_PREFIX"));
        Assert.That(info, Does.Contain("String: p1"));
    }

    [Test]
    public void The_same_event_twice_for_one_fragment_is_refused()
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions());
        fragmenter.PutEvent(StreamEventType.Notification);

        Assert.That(() => fragmenter.PutEvent(StreamEventType.Notification), Throws.InvalidOperationException.With.Message.Contains("already requested"));
    }

    [Test]
    public void The_event_may_be_requested_again_once_its_fragment_started()
    {
        var (mkv, _) = Package(f => f.PutEvent(StreamEventType.Notification), f => f.PutEvent(StreamEventType.Notification));

        Assert.That(mkv.Clusters.Select(c => mkv.TagsBefore(c)), Is.All.EqualTo(new[] { ("AWS_KINESISVIDEO_NOTIFICATION", "") }));
    }

    [Test]
    public void Event_pairs_count_against_the_ten_items_of_a_fragment()
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions());
        for (var i = 0; i < 8; i++)
        {
            fragmenter.PutFragmentMetadata($"m{i}", "v");
        }

        Assert.That(() => fragmenter.PutEvent(StreamEventType.Notification, new StreamEventMetadata { Pairs = [new("a", "1"), new("b", "2"), new("c", "3")] }),
            Throws.InvalidOperationException.With.Message.Contains("at most 10"));
    }

    [Test]
    public void A_pair_name_with_the_reserved_aws_prefix_is_refused()
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions());

        Assert.That(() => fragmenter.PutEvent(StreamEventType.Notification, new StreamEventMetadata { Pairs = [new("AWS_X", "1")] }),
            Throws.ArgumentException.With.Message.Contains("reserves"));
    }

    [Test]
    public void An_image_prefix_over_256_bytes_is_refused()
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions());

        Assert.That(() => fragmenter.PutEvent(StreamEventType.ImageGeneration, new StreamEventMetadata { ImagePrefix = new string('x', 257) }),
            Throws.ArgumentException.With.Message.Contains("ImagePrefix"));
    }

    [Test]
    public void No_event_type_is_refused()
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions());

        Assert.That(() => fragmenter.PutEvent(StreamEventType.None), Throws.ArgumentException.With.Message.Contains("ImageGeneration, Notification"));
    }
}
