using System.Diagnostics;
using KvsProducer.Sources;

namespace KvsProducer.Streaming.Tests;

/// <summary>FrameSourceExtensions.CopyToAsync with a recorded clip (3 s, 75 frames at 25 fps) against the local endpoint.</summary>
[Parallelizable(ParallelScope.All)]
public class CopyToAsyncTests
{
    private static IFrameSource OpenClip() =>
        ElementaryStreamSources.Open(SourceUri.Parse($"file:{RecordedClip.PathOf("h264-640x480.h264")}?fps=25"), TimeSpan.Zero);

    [Test]
    public void A_file_source_says_it_is_not_live()
    {
        var clip = OpenClip();
        Assert.That(clip.IsLive, Is.False);
    }

    [Test, CancelAfter(60_000)]
    public async Task A_non_live_source_is_paced_to_real_time_and_no_fragment_is_refused(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync(o => o with { FutureTimestampTolerance = TimeSpan.FromMilliseconds(500) });
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var clip = OpenClip();
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("paced") { CreateIfMissing = true, Tracks = [clip.Track] }, cancellationToken);
        var errors = 0;
        stream.ErrorOccurred += (_, _) => Interlocked.Increment(ref errors);
        var clock = Stopwatch.StartNew();

        var stored = await clip.CopyToAsync(stream, cancellationToken: cancellationToken);
        var copying = clock.Elapsed;
        await stream.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(copying, Is.GreaterThan(TimeSpan.FromSeconds(2.8)), "75 frames at 25 fps take 2.96 s of real time");
            Assert.That(stored, Is.EqualTo(75));
            Assert.That(stream.GetMetrics().PersistedFrames, Is.EqualTo(75));
            Assert.That(Volatile.Read(ref errors), Is.Zero);
        });
    }

    [Test, CancelAfter(60_000)]
    public async Task An_unpaced_source_ahead_of_the_clock_gets_an_error_event_naming_both_causes(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync(o => o with { FutureTimestampTolerance = TimeSpan.FromMilliseconds(500) });
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var clip = OpenClip();
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("unpaced") { CreateIfMissing = true, Tracks = [clip.Track] }, cancellationToken);
        var firstError = new TaskCompletionSource<StreamErrorEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        stream.ErrorOccurred += (_, e) => firstError.TrySetResult(e);

        await clip.CopyToAsync(stream, paceToRealTime: false, cancellationToken: cancellationToken);
        var error = await firstError.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);

        Assert.That(error.Error.Message, Does.Contain("ERROR 4007").And.Contain("device clock").And.Contain("faster than real time"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Cancelling_the_copy_returns_normally_and_stop_still_persists_every_stored_frame(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var clip = OpenClip();
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("cancelled") { CreateIfMissing = true, Tracks = [clip.Track] }, cancellationToken);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));

        var stored = await clip.CopyToAsync(stream, cancellationToken: stop.Token);
        await stream.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(stored, Is.InRange(25, 74), "the copy ended halfway through the paced clip");
            Assert.That(stream.GetMetrics().PersistedFrames, Is.EqualTo(stored), "the drain still ran");
        });
    }

    [Test, CancelAfter(60_000)]
    public async Task Without_a_logger_a_start_against_nothing_throws_an_exception_saying_what_to_check(CancellationToken cancellationToken)
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens on the port any more
        await using var producer = new KinesisVideoProducer(new ProducerOptions
        {
            Region = "us-west-2",
            ServiceUrl = new Uri($"http://127.0.0.1:{port}"),
            Credentials = new KvsProducer.Auth.StaticCredentialsProvider("AKIDLOCALTEST", "local-secret"),
        });

        var error = Assert.CatchAsync<Exception>(async () => await producer.StartStreamAsync(new StreamDefinition("nowhere") { CreateIfMissing = true }, cancellationToken));

        Assert.That(error!.Message, Does.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("check"));
    }
}
