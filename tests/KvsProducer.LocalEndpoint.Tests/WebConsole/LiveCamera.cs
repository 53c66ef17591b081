using KvsProducer.Auth;
using KvsProducer.LocalEndpoint.Tests.ArchivedMedia;
using KvsProducer.Sources;

namespace KvsProducer.LocalEndpoint.Tests.WebConsole;

/// <summary>
/// A device streaming in real time: the recorded clip (tests/data/h264-640x480.h264) looped and
/// paced at 25 fps through the producer SDK, stamped with the wall clock, until stopped.
/// </summary>
internal sealed class LiveCamera : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private LiveCamera(Uri endpoint, string name) => _running = Task.Run(() => RunAsync(endpoint, name, _stop.Token));

    public static LiveCamera Start(Uri endpoint, string name) => new(endpoint, name);

    private static async Task RunAsync(Uri endpoint, string name, CancellationToken cancellationToken)
    {
        await using var producer = new KinesisVideoProducer(new ProducerOptions
        {
            Region = "us-west-2",
            ServiceUrl = endpoint,
            Credentials = new StaticCredentialsProvider("AKIDLOCALTEST", "local-secret"),
            StorageSize = 16 * 1024 * 1024,
        });
        string clip = RecordedStream.DataPath("h264-640x480.h264");
        KinesisVideoStream? stream = null;
        TimeSpan start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        TimeSpan elapsed = TimeSpan.Zero;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await using IFrameSource source = ElementaryStreamSources.Open(SourceUri.Parse($"file:{clip}?fps=25"), TimeSpan.Zero);
                stream ??= await producer.StartStreamAsync(new StreamDefinition(name) { CreateIfMissing = true, Retention = TimeSpan.FromHours(1), Tracks = [source.Track] }, cancellationToken);
                TimeSpan loopStart = elapsed;
                await foreach (Frame frame in source.ReadFramesAsync(cancellationToken))
                {
                    elapsed = loopStart + frame.DecodingTime + frame.Duration;
                    TimeSpan due = start + loopStart + frame.DecodingTime - TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, cancellationToken);
                    }

                    stream.PutFrame(new Frame(frame.Data, start + loopStart + frame.PresentationTime, start + loopStart + frame.DecodingTime, frame.Duration, frame.Flags, frame.TrackNumber));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (stream is not null)
            {
                await stream.StopAsync(CancellationToken.None);
                await stream.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
