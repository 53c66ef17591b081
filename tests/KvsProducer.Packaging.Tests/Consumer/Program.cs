// A fresh application that knows KvsProducer only through its NuGet packages (see ConsumerProjectTests):
// a local endpoint, a test pattern encoded by FFmpeg (KvsProducer.Media's native library) and the producer.
using System.Net.Http.Json;
using System.Text.Json;
using KvsProducer;
using KvsProducer.Auth;
using KvsProducer.LocalEndpoint;
using KvsProducer.Media;

const string StreamName = "package-test";
var duration = TimeSpan.FromSeconds(3);

await using var kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = args[0] });
await using var producer = new KinesisVideoProducer(new ProducerOptions
{
    Region = "us-west-2",
    ServiceUrl = kvs.Url,
    Credentials = new StaticCredentialsProvider("AKIDPACKAGETEST", "package-test-secret"),
});
await using var camera = MediaSource.Open("testsrc:?size=320x240&rate=25", new MediaSourceOptions
{
    KeyFrameInterval = TimeSpan.FromSeconds(1),
    PaceToRealTime = true,
});
await using var stream = await producer.StartStreamAsync(new StreamDefinition(StreamName)
{
    CreateIfMissing = true,
    Tracks = [camera.Track],
});

var persisted = 0;
stream.FragmentAcknowledged += (_, ack) =>
{
    if (ack.EventType == FragmentAckEventType.Persisted)
    {
        Interlocked.Increment(ref persisted);
    }
};

// Real-time streams carry wall-clock timestamps; the test pattern starts at zero.
var start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
var framesPut = 0;
TimeSpan? first = null;
await foreach (var frame in camera.ReadFramesAsync())
{
    first ??= frame.DecodingTime;
    if (frame.DecodingTime - first.Value >= duration)
    {
        break;
    }

    if (stream.PutFrame(new Frame(frame.Data, frame.PresentationTime + start, frame.DecodingTime + start, frame.Duration, frame.Flags, frame.TrackNumber)))
    {
        framesPut++;
    }
}

await stream.StopAsync();

using var http = new HttpClient { BaseAddress = kvs.Url };
using var response = await http.PostAsJsonAsync("/listFragments", new Dictionary<string, object> { ["StreamName"] = StreamName, ["MaxResults"] = 1000 });
response.EnsureSuccessStatusCode();
using var listing = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
Console.WriteLine($"frames put: {framesPut}");
Console.WriteLine($"fragments persisted: {Volatile.Read(ref persisted)}");
Console.WriteLine($"fragments stored: {listing.RootElement.GetProperty("Fragments").GetArrayLength()}");
