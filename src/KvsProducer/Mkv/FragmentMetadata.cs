using System.Buffers;
using System.Text;

namespace KvsProducer.Mkv;

/// <summary>
/// Metadata waiting for the next fragment, emitted as Tags just before its Cluster (
/// Tags are level-1 elements, so they cannot go inside a cluster). One-shot items go once; persistent
/// items go before every fragment until cancelled with an empty value. The service's limits are
/// enforced when an item is added, so a bad item never reaches the wire (§5.1: otherwise ErrorId 4009).
/// </summary>
internal sealed class FragmentMetadata
{
    public const int MaxItemsPerFragment = 10;
    public const int MaxNameBytes = 128;
    public const int MaxValueBytes = 256;

    // Reserved tag names of KVS events (pic:src/client/src/Stream.h; image generation docs).
    public const string ImageGenerationTagName = "AWS_KINESISVIDEO_IMAGE_GENERATION";
    public const string NotificationTagName = "AWS_KINESISVIDEO_NOTIFICATION";
    public const string ImagePrefixTagName = "AWS_KINESISVIDEO_IMAGE_PREFIX";

    private readonly List<KeyValuePair<string, string>> _oneShot = [];
    private readonly List<KeyValuePair<string, string>> _persistent = [];

    // Event requests for the next fragment: each a Tag group (event name, optional image prefix, pairs).
    private readonly List<List<KeyValuePair<string, string>>> _events = [];
    private StreamEventType _requestedEvents;
    private int _eventPairs;

    /// <summary>Items the service counts against its per-fragment limit (names not starting with "AWS").</summary>
    public int Count => _oneShot.Count + _persistent.Count + _eventPairs;

    /// <summary>
    /// Requests <paramref name="events"/> for the next fragment: one Tags element per event type, as the PIC's
    /// putKinesisVideoEventMetadata queues them (Stream.c: the event name with an empty value, then
    /// AWS_KINESISVIDEO_IMAGE_PREFIX for image generation, then the pairs). Each type at most once per fragment.
    /// </summary>
    public void AddEvent(StreamEventType events, StreamEventMetadata? metadata)
    {
        if (events == StreamEventType.None || (events & ~(StreamEventType.ImageGeneration | StreamEventType.Notification)) != 0)
        {
            throw new ArgumentException($"Event type {events} is not ImageGeneration, Notification or both.", nameof(events));
        }

        metadata ??= new StreamEventMetadata();
        metadata.Validate();
        if ((_requestedEvents & events) != 0)
        {
            throw new InvalidOperationException(
                $"Event {_requestedEvents & events} is already requested for the next fragment: the service acts on it once per fragment, so request it again after that fragment started.");
        }

        var types = events == (StreamEventType.ImageGeneration | StreamEventType.Notification)
            ? new[] { StreamEventType.ImageGeneration, StreamEventType.Notification }
            : new[] { events };
        var pairs = metadata.Pairs.Count * types.Length;
        if (Count + pairs > MaxItemsPerFragment)
        {
            throw new InvalidOperationException(
                $"The event's {pairs} name/value pairs would make {Count + pairs} metadata items for the next fragment: Kinesis Video Streams accepts at most {MaxItemsPerFragment} per fragment. Send fewer pairs or wait for the next fragment.");
        }

        foreach (var type in types)
        {
            var group = new List<KeyValuePair<string, string>>(2 + metadata.Pairs.Count)
            {
                new(type == StreamEventType.ImageGeneration ? ImageGenerationTagName : NotificationTagName, string.Empty),
            };
            if (type == StreamEventType.ImageGeneration && metadata.ImagePrefix is not null)
            {
                group.Add(new(ImagePrefixTagName, metadata.ImagePrefix));
            }

            group.AddRange(metadata.Pairs);
            _events.Add(group);
        }

        _requestedEvents |= events;
        _eventPairs += pairs;
    }

    public void Add(string name, string value, bool persistent)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        ValidateItem(name, value);

        if (persistent)
        {
            var index = _persistent.FindIndex(item => item.Key == name);
            if (value.Length == 0)
            {
                // §6.6: an empty value cancels a persistent item.
                if (index >= 0)
                {
                    _persistent.RemoveAt(index);
                }

                return;
            }

            if (index >= 0)
            {
                _persistent[index] = new(name, value);
                return;
            }
        }

        if (Count >= MaxItemsPerFragment)
        {
            throw new InvalidOperationException(
                $"Fragment metadata '{name}' would be item {Count + 1} of the next fragment: Kinesis Video Streams accepts at most {MaxItemsPerFragment} per fragment. Cancel persistent items (empty value) or wait for the next fragment.");
        }

        (persistent ? _persistent : _oneShot).Add(new(name, value));
    }

    /// <summary>Writes the items for the fragment about to start and forgets the one-shot ones.</summary>
    public void WriteBeforeCluster(IBufferWriter<byte> output)
    {
        foreach (var item in _persistent)
        {
            MkvTagsWriter.WriteTag(output, item.Key, item.Value);
        }

        foreach (var item in _oneShot)
        {
            MkvTagsWriter.WriteTag(output, item.Key, item.Value);
        }

        foreach (var group in _events)
        {
            MkvTagsWriter.WriteTagGroup(output, group);
        }

        _oneShot.Clear();
        _events.Clear();
        _requestedEvents = StreamEventType.None;
        _eventPairs = 0;
    }

    /// <summary>Bytes <see cref="WriteBeforeCluster"/> would write now.</summary>
    public long EncodedLength()
    {
        long total = 0;
        foreach (var item in _persistent)
        {
            total += MkvTagsWriter.TagsLength(Encoding.UTF8.GetByteCount(item.Key), Encoding.UTF8.GetByteCount(item.Value));
        }

        foreach (var item in _oneShot)
        {
            total += MkvTagsWriter.TagsLength(Encoding.UTF8.GetByteCount(item.Key), Encoding.UTF8.GetByteCount(item.Value));
        }

        foreach (var group in _events)
        {
            total += MkvTagsWriter.TagGroupLength(group);
        }

        return total;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the service would refuse the item (ErrorId 4009).</summary>
    public static void ValidateItem(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Length == 0)
        {
            throw new ArgumentException("Fragment metadata name is empty: give it a name of 1 to 128 bytes.", nameof(name));
        }

        if (name.StartsWith("AWS", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Fragment metadata name '{name}' starts with 'AWS', which Kinesis Video Streams reserves: choose another name.", nameof(name));
        }

        var nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > MaxNameBytes)
        {
            throw new ArgumentException($"Fragment metadata name '{name[..Math.Min(name.Length, 32)]}…' is {nameBytes} bytes of UTF-8: the limit is {MaxNameBytes}.", nameof(name));
        }

        var valueBytes = Encoding.UTF8.GetByteCount(value);
        if (valueBytes > MaxValueBytes)
        {
            throw new ArgumentException($"Fragment metadata '{name}' has a value of {valueBytes} bytes of UTF-8: the limit is {MaxValueBytes}.", nameof(value));
        }
    }
}
