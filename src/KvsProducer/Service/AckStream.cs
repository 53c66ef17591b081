using System.Runtime.CompilerServices;

namespace KvsProducer.Service;

/// <summary>Reads the ACKs of a PutMedia response body (the PutMedia API reference) from a duplex exchange.</summary>
internal static class AckStream
{
    /// <summary>
    /// Yields each ACK as soon as its bytes arrive, until the response body ends (the service ends it after an ERROR
    /// ACK, after 30 s of IDLE, or when the request body is complete). Call after reading a 200 response head.
    /// </summary>
    public static async IAsyncEnumerable<FragmentAck> ReadAcksAsync(this IDuplexHttpExchange exchange, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var parser = new AckParser();
        while (true)
        {
            var read = await exchange.ReadBodyAsync(cancellationToken).ConfigureAwait(false);
            if (read.IsEnd)
            {
                parser.Complete();
                yield break;
            }

            parser.Append(read.Data);
            while (parser.TryRead(out var ack))
            {
                yield return ack;
            }
        }
    }
}
