// Uploads a recording (mp4, mkv, ts, raw .h264/.h265) as fast as acknowledgements allow, keeping
// its own timestamps: frame times are the recording's, counted from --start-time.
//   dotnet run --project samples/FileUpload -- clip.mp4 --stream garage [--start-time 2026-11-24T10:00:00Z]
// Options: --region R, --endpoint URL (e.g. `kvs local`'s), --retention 24h. Credentials: the AWS default chain.
// Exit codes: 0 uploaded and every fragment persisted, 1 failed, 2 bad arguments.
using System.Diagnostics;
using System.Globalization;
using KvsProducer;
using KvsProducer.Media;

var options = ParseArguments(args);
if (options is null)
{
    Console.Error.WriteLine("usage: FileUpload FILE --stream NAME [--start-time ISO-8601|EPOCH-SECONDS] [--region R] [--endpoint URL] [--retention HOURS]");
    return 2;
}

var (file, streamName, startTime, region, endpoint, retentionHours) = options.Value;
if (!File.Exists(file))
{
    Console.Error.WriteLine($"'{file}' does not exist: give the path of a recording (mp4, mkv, ts, .h264, .h265).");
    return 2;
}

// Without --start-time the recording is taken to have begun when it was last written: the service
// refuses timestamps in the future, so a start in the past is the safe default.
var start = (startTime ?? File.GetLastWriteTimeUtc(file)) - DateTimeOffset.UnixEpoch;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

try
{
    await using var producer = new KinesisVideoProducer(new ProducerOptions { Region = region, ServiceUrl = endpoint });
    await using var recording = await MediaSource.OpenAsync("file:" + Path.GetFullPath(file), cancellationToken: cancel.Token);
    var definition = new StreamDefinition(streamName)
    {
        Mode = StreamingMode.Offline, // nothing is dropped: PutFrameAsync waits for acknowledgements to free the buffer
        CreateIfMissing = true,
        Retention = TimeSpan.FromHours(retentionHours),
        Tracks = [recording.Track],
    };
    await using var stream = await producer.StartStreamAsync(definition, cancel.Token);
    var persisted = 0;
    stream.FragmentAcknowledged += (_, ack) =>
    {
        if (ack.EventType == FragmentAckEventType.Persisted)
        {
            Interlocked.Increment(ref persisted);
        }
    };

    var clock = Stopwatch.StartNew();
    long frames = 0;
    var end = TimeSpan.Zero;
    await foreach (var frame in recording.ReadFramesAsync(cancel.Token))
    {
        await stream.PutFrameAsync(new Frame(frame.Data, frame.PresentationTime + start, frame.DecodingTime + start, frame.Duration, frame.Flags), cancel.Token);
        frames++;
        end = frame.DecodingTime + frame.Duration;
    }

    await stream.StopAsync(cancel.Token); // waits for the last fragment's PERSISTED acknowledgement
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Uploaded {frames} frames ({end.TotalSeconds:0.0} s of media from {DateTimeOffset.UnixEpoch + start:O}) to '{streamName}' in {clock.Elapsed.TotalSeconds:0.0} s; {Volatile.Read(ref persisted)} fragments persisted."));
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Cancelled: the upload is incomplete.");
    return 1;
}
catch (Exception error) when (error is KvsProducerException or MediaSourceException or ArgumentException or TimeoutException)
{
    Console.Error.WriteLine(error.Message);
    return 1;
}

static (string File, string Stream, DateTimeOffset? StartTime, string? Region, Uri? Endpoint, int RetentionHours)? ParseArguments(string[] args)
{
    string? file = null, stream = null, region = null;
    DateTimeOffset? startTime = null;
    Uri? endpoint = null;
    var retentionHours = 24;
    for (var i = 0; i < args.Length; i++)
    {
        var value = i + 1 < args.Length ? args[i + 1] : null;
        switch (args[i])
        {
            case "--stream" when value is not null: stream = value; i++; break;
            case "--region" when value is not null: region = value; i++; break;
            case "--endpoint" when value is not null && Uri.TryCreate(value, UriKind.Absolute, out var url): endpoint = url; i++; break;
            case "--retention" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var hours) && hours >= 1: retentionHours = hours; i++; break;
            case "--start-time" when value is not null:
                startTime = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch)
                    ? DateTimeOffset.UnixEpoch.AddSeconds(epoch)
                    : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
                if (startTime is null)
                {
                    return null;
                }

                i++;
                break;
            case var positional when !positional.StartsWith("--", StringComparison.Ordinal) && file is null: file = positional; break;
            default: return null;
        }
    }

    return file is null || stream is null ? null : (file, stream, startTime, region, endpoint, retentionHours);
}
