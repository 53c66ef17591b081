namespace KvsProducer.Media.Internal;

/// <summary>How to encode a still: PNG or JPEG (quality 1–100), scaled to Width x Height (0 keeps the picture's size).</summary>
internal readonly record struct StillImageRequest(bool Png, int Width, int Height, int Quality);
