namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// One video frame of a stored fragment, in decoding order: presentation time in milliseconds on
/// the producer's timeline (Matroska stores presentation times) and the AVCC payload (length-prefixed
/// NAL units, as PutMedia stores it).
/// </summary>
internal readonly record struct MediaFrame(long TimeMs, bool KeyFrame, ReadOnlyMemory<byte> Data);
