using System.Text;

namespace KvsProducer;

/// <summary>
/// What goes with a <see cref="StreamEventType"/> request: an optional S3 prefix for generated images and up to
/// 10 name/value pairs the service copies into the image's S3 metadata or the notification, as the official
/// SDKs' <c>StreamEventMetadata</c> (PIC <c>client/Include.h</c>: MAX_IMAGE_PREFIX_LENGTH 256, MAX_EVENT_CUSTOM_PAIRS 10).
/// </summary>
public sealed record StreamEventMetadata
{
    /// <summary>The most name/value pairs one event carries.</summary>
    public const int MaxPairs = 10;

    /// <summary>The longest image prefix, in bytes of UTF-8.</summary>
    public const int MaxImagePrefixBytes = 256;

    /// <summary>S3 key prefix of generated images (tag <c>AWS_KINESISVIDEO_IMAGE_PREFIX</c>); null = none. Image generation only.</summary>
    public string? ImagePrefix { get; init; }

    /// <summary>Name/value pairs (names 1–128 bytes, not starting with "AWS"; values up to 256 bytes).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property, its value and the allowed range.</summary>
    public void Validate()
    {
        if (ImagePrefix is not null && (ImagePrefix.Length == 0 || Encoding.UTF8.GetByteCount(ImagePrefix) > MaxImagePrefixBytes))
        {
            throw new ArgumentException($"ImagePrefix '{ImagePrefix}' must be 1 to {MaxImagePrefixBytes} bytes of UTF-8, or null for none.", nameof(ImagePrefix));
        }

        if (Pairs is null || Pairs.Count > MaxPairs)
        {
            throw new ArgumentException($"Pairs has {Pairs?.Count ?? 0} entries: an event carries at most {MaxPairs} name/value pairs.", nameof(Pairs));
        }

        foreach (var pair in Pairs)
        {
            Mkv.FragmentMetadata.ValidateItem(pair.Key, pair.Value);
        }
    }
}
