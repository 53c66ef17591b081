// The smallest program that streams: 10 s of a test pattern to the stream "hello-stream".
//   AWS_REGION=us-west-2 dotnet run --project samples/HelloStream -- [STREAM] [SECONDS]
// Credentials come from the AWS default chain; KVS_ENDPOINT=http://127.0.0.1:4567 targets `kvs local`.
using KvsProducer;
using KvsProducer.Media;

var endpoint = Environment.GetEnvironmentVariable("KVS_ENDPOINT");
await using var producer = new KinesisVideoProducer(new ProducerOptions { ServiceUrl = endpoint is null ? null : new Uri(endpoint) });
await using var camera = MediaSource.Open("testsrc:?size=640x480&rate=25", new MediaSourceOptions { PaceToRealTime = true });
await using var stream = await producer.StartStreamAsync(new StreamDefinition(args.ElementAtOrDefault(0) ?? "hello-stream") { CreateIfMissing = true, Tracks = [camera.Track] });

// The source's timestamps start at 0; Kinesis Video Streams wants wall-clock time.
var start = DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch;
var seconds = int.Parse(args.ElementAtOrDefault(1) ?? "10", System.Globalization.CultureInfo.InvariantCulture);
await foreach (var frame in camera.ReadFramesAsync())
{
    if (frame.DecodingTime >= TimeSpan.FromSeconds(seconds)) break;
    stream.PutFrame(new Frame(frame.Data, frame.PresentationTime + start, frame.DecodingTime + start, frame.Duration, frame.Flags));
}

await stream.StopAsync(); // sends what is buffered and waits for the last acknowledgement
Console.WriteLine($"Streamed {seconds} s to '{stream.Name}'.");
