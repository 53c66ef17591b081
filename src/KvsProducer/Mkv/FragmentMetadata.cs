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

    private readonly List<KeyValuePair<string, string>> _oneShot = [];
    private readonly List<KeyValuePair<string, string>> _persistent = [];

    public int Count => _oneShot.Count + _persistent.Count;

    public void Add(string name, string value, bool persistent)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        Validate(name, value);

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

        _oneShot.Clear();
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

        return total;
    }

    private static void Validate(string name, string value)
    {
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
