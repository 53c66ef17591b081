using System.Text.Json;

namespace KvsProducer.Cli;

/// <summary>
/// One <c>kvs stream</c> / <c>kvs upload</c> run: streams every frame, drains, and can say what it did
/// however it ended, so the summary (and <c>--json</c>) is printed on every exit path (issue 11).
/// </summary>
internal sealed class CliStreamRun(string streamName)
{
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private StreamStatus? _status;

    /// <summary>Streams every frame of <paramref name="frames"/>, then drains within <paramref name="limits"/>.</summary>
    public async Task RunAsync(ProducerOptions producerOptions, StreamDefinition definition, OpenedSource frames, bool upload, StreamLimits limits, CancellationToken cancellationToken)
    {
        await using var producer = new KinesisVideoProducer(producerOptions, CliDebug.LoggerFactory);
        await using var stream = await StartAsync(producer, producerOptions, definition, limits.StartTimeout, cancellationToken).ConfigureAwait(false);
        var status = _status = new StreamStatus(stream, frames);
        using var pacer = upload ? null : new FramePacer(producerOptions.TimeProvider);
        var period = TerminalLine.IsInteractive ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(5);
        await using (new Timer(_ => TerminalLine.Status(StreamStatus.Format(status.Report())), null, period, period).ConfigureAwait(false))
        {
            try
            {
                await foreach (var frame in frames.ReadFramesAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (pacer is not null)
                    {
                        await pacer.WaitAsync(frame.DecodingTime, cancellationToken).ConfigureAwait(false);
                    }

                    status.OnFramePut(frame);
                    status.OnFrameStored(upload ? await stream.PutFrameAsync(frame, cancellationToken).ConfigureAwait(false) : stream.PutFrame(frame));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how a live stream usually ends: stop reading, but still send what is buffered.
                TerminalLine.Message($"kvs: interrupted; sending what is buffered (Ctrl+C again to exit at once)...");
            }

            // The drain is not cut by the first Ctrl+C (that one ended the reading); a second one exits at once.
            // It waits while acknowledgements come, however slow the link (issue 11).
            try
            {
                await stream.StopAsync(
                    new DrainOptions { NoProgressTimeout = limits.NoProgressTimeout ?? Timeout.InfiniteTimeSpan, Deadline = limits.Deadline ?? Timeout.InfiniteTimeSpan },
                    CancellationToken.None).ConfigureAwait(false);
                status.OnDrained();
            }
            catch (TimeoutException drain)
            {
                // The library names its DrainOptions; the user gave the command line's options.
                throw new TimeoutException(
                    drain.Message.Replace("DrainOptions.NoProgressTimeout", "--stop-timeout", StringComparison.Ordinal).Replace("DrainOptions.Deadline", "--deadline", StringComparison.Ordinal),
                    drain);
            }
        }

        TerminalLine.Finish();

        // README: Offline (kvs upload) drops nothing; a frame the service refused means the recording is incomplete.
        if (upload && status.Report() is { FramesDropped: > 0 } incomplete)
        {
            throw new KvsProducerException($"Stream '{stream.Name}': {incomplete.FramesDropped} of {incomplete.FramesPut} frames were not persisted ({incomplete.ErrorAcks} ERROR acknowledgements; the lines above say why).");
        }
    }

    /// <summary>
    /// Starts the stream, giving up after <paramref name="timeout"/>: the library retries an endpoint that
    /// does not answer (10 s per attempt, with backoff) for a minute and more, while a person at a
    /// terminal wants one line soon (issue 11: a blackholed endpoint).
    /// </summary>
    private static async Task<KinesisVideoStream> StartAsync(KinesisVideoProducer producer, ProducerOptions options, StreamDefinition definition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await producer.StartStreamAsync(definition, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var where = options.ServiceUrl?.ToString() ?? $"the {options.Region} endpoint";
            throw new KvsProducerException($"{where} did not answer within --start-timeout {timeout.TotalSeconds:0.#} s: check that the endpoint is up and reachable (--endpoint-url, firewall), or raise --start-timeout.");
        }
    }

    /// <summary>Prints the summary on stdout: JSON with <paramref name="json"/>, else the status line (when the stream had started).</summary>
    public void PrintSummary(CliFailure outcome, bool json)
    {
        var report = _status?.Report(outcome) ?? StreamStatus.NothingSent(streamName, TimeProvider.System.GetElapsedTime(_started), outcome);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.StreamReport));
        }
        else if (_status is not null)
        {
            Console.WriteLine(StreamStatus.Format(report));
        }
    }
}
