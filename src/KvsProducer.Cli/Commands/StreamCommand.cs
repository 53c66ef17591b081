using System.CommandLine;

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
        // issue 11: the end waits as long as the upload moves; a slow link must not fail a healthy upload.
        // Offline's default outlasts long outages (the fault suite's blackouts reach 150 s).
        var stopTimeout = new Option<string>("--stop-timeout")
        {
            Description = "At the end, give up after this long without progress (no acknowledgement, no byte sent); a slow but moving upload is waited for.",
            DefaultValueFactory = _ => upload ? "10m" : "30s",
        };
        var startTimeout = new Option<string>("--start-timeout") { Description = "Give up when the endpoint has not answered and the stream is not active within this long.", DefaultValueFactory = _ => "30s" };
        var deadline = new Option<string?>("--deadline", "--max-wait") { Description = "At the end, give up after this long in all, even while the upload moves (default: no limit)." };
        var json = new Option<bool>("--json") { Description = "Print the final summary as one JSON object (stdout), on every exit path (ExitCode and Error say how it ended)." };
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
        command.Add(startTimeout);
        command.Add(deadline);
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
        command.SetAction((result, cancellationToken) =>
        {
            var run = new CliStreamRun(result.GetValue(streamName)!);
            return CliErrors.RunAsync(command.Name, async () =>
            {
                var fragment = OptionParsers.ParseDuration(result.GetValue(fragmentDuration)!);
                var limits = new StreamLimits(
                    OptionParsers.ParseDuration(result.GetValue(startTimeout)!),
                    OptionParsers.ParseDuration(result.GetValue(stopTimeout)!),
                    result.GetValue(deadline) is { } total ? OptionParsers.ParseDuration(total) : null);
                var start = result.GetValue(startTime) is { } text
                    ? OptionParsers.ParseStartTime(text)
                    : TimeSpan.FromMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());

                // The source first: a malformed --source is a bad command line (exit 2) whatever the credentials say.
                await using var frames = source.Open(result, start, fragment, paceToRealTime: false);
                var producerOptions = await connection.ResolveAsync(result, cancellationToken).ConfigureAwait(false);
                var definition = new StreamDefinition(result.GetValue(streamName)!)
                {
                    Mode = upload ? StreamingMode.Offline : StreamingMode.Realtime,
                    CreateIfMissing = result.GetValue(create),
                    Retention = OptionParsers.ParseDuration(result.GetValue(retention)!),
                    FragmentDuration = fragment,
                    Tracks = frames.Tracks,
                    DiskBuffer = result.GetValue(diskBuffer) is { } directory ? new DiskBufferOptions(directory) : null,
                };
                await run.RunAsync(producerOptions, definition, frames, upload, limits, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken,
            outcome => run.PrintSummary(outcome, result.GetValue(json)));
        });
        return command;
    }
}
