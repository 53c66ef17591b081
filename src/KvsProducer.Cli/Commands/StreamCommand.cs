using System.CommandLine;
using System.Diagnostics;

namespace KvsProducer.Cli.Commands;

/// <summary>
/// <c>kvs stream</c> (real time, paced by the frames' timestamps) and <c>kvs upload</c> (Offline: as fast
/// as acknowledgements allow, keeping the media's own timestamps from <c>--start-time</c>).
/// </summary>
internal static class StreamCommand
{
    public static Command Create(bool upload, ProducerConnection? shared = null)
    {
        var source = new SourceOptions();
        var connection = shared ?? new ProducerConnection();
        var streamName = new Option<string>("--stream", "-n") { Description = "The Kinesis video stream's name.", Required = true };
        var create = new Option<bool>("--create") { Description = "Create the stream if it does not exist." };
        var retention = new Option<string>("--retention") { Description = "Retention of a created stream (0 or ≥ 1h).", DefaultValueFactory = _ => "2h" };
        var fragmentDuration = new Option<string>("--fragment-duration") { Description = "Target fragment (key-frame interval when encoding).", DefaultValueFactory = _ => "2s" };
        var startTime = new Option<string?>("--start-time") { Description = "When the media began (epoch seconds or ISO-8601); default: now. The service refuses timestamps in the future." };
        var stopTimeout = new Option<string>("--stop-timeout") { Description = "How long to wait for the last acknowledgement at the end.", DefaultValueFactory = _ => "30s" };
        var json = new Option<bool>("--json") { Description = "Print the final summary as one JSON object (stdout)." };
        var diskBuffer = new Option<string?>("--disk-buffer") { Description = "Keep every frame in this directory until the service persisted it: a crash or restart resumes the upload (docs/disk-buffer.md)." };

        var command = upload
            ? new Command("upload", """
                Upload a recording as fast as acknowledgements allow (Offline mode: nothing is dropped), keeping its timestamps.
                Examples:
                  kvs upload -s file:recording.mp4 -n front-door --start-time 2026-11-25T08:00:00Z
                  kvs upload -s 'frames:clips/door?fps=25' -n door --create --endpoint http://127.0.0.1:4566
                """)
            : new Command("stream", """
                Stream a source to Kinesis Video Streams in real time (paced by its timestamps, stamped with the wall clock).
                Examples:
                  kvs stream -s 'v4l2:///dev/video0?size=1280x720&rate=30' -n front-door --region us-west-2
                  kvs stream -s 'rtsp://user:pass@192.0.2.10/stream1' -n gate --create
                  kvs stream -s 'testsrc:?size=640x480&rate=25' -n test --create --endpoint http://127.0.0.1:4566 --duration 30s
                """);
        command.Add(streamName);
        command.Add(create);
        command.Add(retention);
        command.Add(fragmentDuration);
        command.Add(stopTimeout);
        command.Add(json);
        if (upload)
        {
            command.Add(startTime);
        }
        else
        {
            command.Add(diskBuffer); // a live source only: a restarted upload reads its file from the start again
        }

        source.AddTo(command);
        if (shared is null)
        {
            connection.AddTo(command);
        }
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
                DiskBuffer = result.GetValue(diskBuffer) is { } directory ? new DiskBufferOptions(directory) : null,
            };
            var report = await RunAsync(producerOptions, definition, frames, upload, OptionParsers.ParseDuration(result.GetValue(stopTimeout)!), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(result.GetValue(json)
                ? System.Text.Json.JsonSerializer.Serialize(report, CliJsonContext.Default.StreamReport)
                : StreamStatus.Format(report));

            // README: an interrupted run exits 130, after the drain and the summary.
            cancellationToken.ThrowIfCancellationRequested();
        }));
        return command;
    }

    /// <summary>Streams every frame of <paramref name="frames"/>, then drains; returns what was done.</summary>
    public static async Task<StreamReport> RunAsync(ProducerOptions producerOptions, StreamDefinition definition, OpenedSource frames, bool upload, TimeSpan stopTimeout, CancellationToken cancellationToken)
    {
        await using var producer = new KinesisVideoProducer(producerOptions);
        await using var stream = await producer.StartStreamAsync(definition, cancellationToken).ConfigureAwait(false);
        var status = new StreamStatus(stream, () => frames.Progress);
        var pacer = upload ? null : new FramePacer(producerOptions.TimeProvider);
        var clock = Stopwatch.StartNew();
        var period = TerminalLine.IsInteractive ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(5);
        await using (new Timer(_ => TerminalLine.Status(StreamStatus.Format(status.Report(clock.Elapsed))), null, period, period).ConfigureAwait(false))
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
                    _ = upload ? await stream.PutFrameAsync(frame, cancellationToken).ConfigureAwait(false) : stream.PutFrame(frame);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how a live stream usually ends: stop reading, but still send what is buffered.
                TerminalLine.Message($"kvs: interrupted; sending what is buffered (up to --stop-timeout {stopTimeout.TotalSeconds:0.#} s)...");
            }

            using var stopping = new CancellationTokenSource(stopTimeout);
            try
            {
                await stream.StopAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new KvsProducerException($"Stream '{stream.Name}': not every fragment was acknowledged within --stop-timeout {stopTimeout.TotalSeconds:0.#} s ({StreamStatus.Format(status.Report(clock.Elapsed))}).");
            }
        }

        TerminalLine.Finish();
        return status.Report(clock.Elapsed);
    }
}
