using System.CommandLine;
using System.Diagnostics;

namespace KvsProducer.Cli.Commands;

/// <summary>
/// <c>kvs stream</c> (real time, paced by the frames' timestamps) and <c>kvs upload</c> (Offline: as fast
/// as acknowledgements allow, keeping the media's own timestamps from <c>--start-time</c>).
/// </summary>
internal static class StreamCommand
{
    public static Command Create(bool upload)
    {
        var source = new SourceOptions();
        var connection = new ProducerConnection();
        var streamName = new Option<string>("--stream", "-n") { Description = "The Kinesis video stream's name.", Required = true };
        var create = new Option<bool>("--create") { Description = "Create the stream if it does not exist." };
        var retention = new Option<string>("--retention") { Description = "Retention of a created stream (0 or ≥ 1h).", DefaultValueFactory = _ => "2h" };
        var fragmentDuration = new Option<string>("--fragment-duration") { Description = "Target fragment (key-frame interval when encoding).", DefaultValueFactory = _ => "2s" };
        var startTime = new Option<string?>("--start-time") { Description = "When the media began (epoch seconds or ISO-8601); default: now. The service refuses timestamps in the future." };
        var stopTimeout = new Option<string>("--stop-timeout") { Description = "How long to wait for the last acknowledgement at the end.", DefaultValueFactory = _ => "30s" };

        var command = upload
            ? new Command("upload", "Upload a recording as fast as acknowledgements allow (Offline mode), keeping its timestamps.")
            : new Command("stream", "Stream a source to Kinesis Video Streams in real time.");
        command.Add(streamName);
        command.Add(create);
        command.Add(retention);
        command.Add(fragmentDuration);
        command.Add(stopTimeout);
        if (upload)
        {
            command.Add(startTime);
        }

        source.AddTo(command);
        connection.AddTo(command);
        command.SetAction((result, cancellationToken) => CliErrors.RunAsync(command.Name, async () =>
        {
            var producerOptions = await connection.ResolveAsync(result, cancellationToken).ConfigureAwait(false);
            var fragment = OptionParsers.ParseDuration(result.GetValue(fragmentDuration)!);
            var start = result.GetValue(startTime) is { } text
                ? OptionParsers.ParseStartTime(text)
                : TimeSpan.FromMilliseconds(producerOptions.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            await using var frames = source.Open(result, start, fragment, paceToRealTime: false);
            var definition = new StreamDefinition(result.GetValue(streamName)!)
            {
                Mode = upload ? StreamingMode.Offline : StreamingMode.Realtime,
                CreateIfMissing = result.GetValue(create),
                Retention = OptionParsers.ParseDuration(result.GetValue(retention)!),
                FragmentDuration = fragment,
                Tracks = [frames.Track],
            };
            var summary = await RunAsync(producerOptions, definition, frames, upload, OptionParsers.ParseDuration(result.GetValue(stopTimeout)!), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(summary);
        }));
        return command;
    }

    /// <summary>Streams every frame of <paramref name="frames"/>, then drains; returns a one-line summary.</summary>
    public static async Task<string> RunAsync(ProducerOptions producerOptions, StreamDefinition definition, OpenedSource frames, bool upload, TimeSpan stopTimeout, CancellationToken cancellationToken)
    {
        await using var producer = new KinesisVideoProducer(producerOptions);
        await using var stream = await producer.StartStreamAsync(definition, cancellationToken).ConfigureAwait(false);
        var status = new StreamStatus(stream);
        var pacer = upload ? null : new FramePacer(producerOptions.TimeProvider);
        var clock = Stopwatch.StartNew();
        using var ticker = new Timer(_ => Console.Error.WriteLine(status.Line(clock.Elapsed)), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        await foreach (var frame in frames.ReadFramesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (pacer is not null)
            {
                await pacer.WaitAsync(frame.DecodingTime, cancellationToken).ConfigureAwait(false);
            }

            var stored = upload ? await stream.PutFrameAsync(frame, cancellationToken).ConfigureAwait(false) : stream.PutFrame(frame);
            status.CountFrame(stored);
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stopping.CancelAfter(stopTimeout);
        try
        {
            await stream.StopAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KvsProducerException($"Stream '{stream.Name}': not every fragment was acknowledged within --stop-timeout {stopTimeout.TotalSeconds:0.#} s ({status.Line(clock.Elapsed)}).");
        }

        return status.Line(clock.Elapsed);
    }
}
