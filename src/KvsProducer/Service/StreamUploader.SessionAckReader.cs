using System.Text;
using System.Text.Json;

namespace KvsProducer.Service;

internal sealed partial class StreamUploader
{
    /// <summary>Reads one session's response: the status, then every ACK, handing each to the view.</summary>
    private sealed class SessionAckReader(StreamUploader owner, int sessionId)
    {
        private const int MaxErrorBody = 64 * 1024;

        private FragmentAck? _lastError;
        private bool _ended;

        private readonly TaskCompletionSource _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the service answered 200: only then is body data written (as the embedded SDK does,
        /// the PutMedia API reference), so connections to a hung endpoint queue no fragments that could arrive later as duplicates.</summary>
        public Task Accepted => _accepted.Task;

        /// <summary>True once the service confirmed a fragment in this session (RECEIVED or PERSISTED): resets the backoff.</summary>
        public bool Progressed { get; private set; }

        public async Task RunAsync(IDuplexHttpExchange exchange, CancellationToken cancellationToken)
        {
            try
            {
                await ReadAsync(exchange, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                owner._ackSignal.Set(); // a sender waiting for the last acknowledgement learns that no more will come
            }
        }

        private async Task ReadAsync(IDuplexHttpExchange exchange, CancellationToken cancellationToken)
        {
            var head = await ReadHeadAsync(exchange, cancellationToken).ConfigureAwait(false);
            if (head.StatusCode != 200)
            {
                var body = await ReadErrorBodyAsync(exchange, cancellationToken).ConfigureAwait(false);
                var message = ServiceMessage(body);
                var errorType = (head.ErrorType ?? string.Empty).Split(':')[0];
                if (owner._context.ClockSkew.TryCorrect(head.StatusCode, errorType, message, head.Date))
                {
                    Log.ClockCorrected(owner._logger, owner._stream.Name, owner._context.ClockSkew.Offset.TotalSeconds);
                }

                throw new KinesisVideoServiceException("PutMedia", errorType.Length == 0 ? $"HTTP {head.StatusCode}" : errorType, head.StatusCode, head.RequestId, message);
            }

            Interlocked.Exchange(ref owner._oldestUnacknowledgedSendTicks, -1); // the endpoint answered: not stale
            Interlocked.Exchange(ref owner._lastAckTicks, owner._context.TimeProvider.GetTimestamp());
            _accepted.TrySetResult();

            await foreach (var ack in exchange.ReadAcksAsync(cancellationToken).ConfigureAwait(false))
            {
                if (ack.EventType is FragmentAckEventType.Received or FragmentAckEventType.Persisted)
                {
                    Progressed = true;
                }
                else if (ack.EventType == FragmentAckEventType.Error)
                {
                    _lastError = ack;
                }

                owner.OnAck(ack, sessionId);
            }

            _ended = true;
        }

        private async Task<HttpResponseHead> ReadHeadAsync(IDuplexHttpExchange exchange, CancellationToken cancellationToken)
        {
            try
            {
                return await exchange.ReadResponseHeadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                _accepted.TrySetException(error);
                throw;
            }
        }

        /// <summary>Why the session ended when the response did (the PutMedia API reference: every ERROR ack ends the connection).</summary>
        public KvsProducerException EndReason() => _lastError is { } error
            ? new KvsProducerException($"Stream '{owner._stream.Name}': the service sent ERROR {error.ErrorId} {error.ErrorCode} for the fragment at {error.FragmentTimecode} and closed the connection; resuming on a new one.{ErrorAckAdvice.For(error.ErrorId ?? 0)}")
            : new KvsProducerException(_ended
                ? $"Stream '{owner._stream.Name}': the service ended the PutMedia response before the body was complete; reconnecting."
                : $"Stream '{owner._stream.Name}': the PutMedia session ended; reconnecting.");

        private static async Task<string> ReadErrorBodyAsync(IDuplexHttpExchange exchange, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            while (text.Length < MaxErrorBody)
            {
                var read = await exchange.ReadBodyAsync(cancellationToken).ConfigureAwait(false);
                if (read.IsEnd)
                {
                    break;
                }

                foreach (var segment in read.Data)
                {
                    text.Append(Encoding.UTF8.GetString(segment.Span));
                }
            }

            return text.ToString();
        }

        /// <summary>The "message" of a JSON error body (the KVS API reference), else the body itself.</summary>
        private static string ServiceMessage(string body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                    {
                        return property.Value.GetString() ?? body;
                    }
                }
            }
            catch (JsonException)
            {
            }

            return body.Length > 500 ? body[..500] : body;
        }
    }
}
