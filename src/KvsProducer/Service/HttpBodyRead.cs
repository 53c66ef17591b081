using System.Buffers;

namespace KvsProducer.Service;

/// <summary>
/// One piece of a response body (already de-chunked). <see cref="Data"/> stays valid until the next
/// <c>ReadBodyAsync</c> call on the same exchange; <see cref="IsEnd"/> marks the end of the body (with no data).
/// </summary>
internal readonly record struct HttpBodyRead(ReadOnlySequence<byte> Data, bool IsEnd)
{
    public static HttpBodyRead End => new(ReadOnlySequence<byte>.Empty, true);
}
