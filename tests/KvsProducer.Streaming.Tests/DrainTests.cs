using System.Diagnostics;
using KvsProducer.LocalEndpoint;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Issue 11 defect 2: a drain bounded by a fixed stop timeout failed uploads on a slow link that were still
/// making progress. <see cref="KinesisVideoStream.StopAsync(DrainOptions, CancellationToken)"/> waits while
/// acknowledgements keep coming and gives up only when they stop (or at a deadline the caller chose).
/// </summary>
[Parallelizable(ParallelScope.All)]
public class DrainTests
{
    private const int Frames = 125; // 5 s of the clip, about 230 kB

    [Test, CancelAfter(60_000)]
    public async Task A_drain_on_a_slow_link_outlasts_its_no_progress_timeout_while_acknowledgements_keep_coming(CancellationToken cancellationToken)
    {
        await using var link = await SlowLink.StartAsync();
        var stream = await link.StreamAsync("slow-drain", cancellationToken);

        var noProgress = TimeSpan.FromSeconds(4);
        var watch = Stopwatch.StartNew();
        await stream.StopAsync(new DrainOptions { NoProgressTimeout = noProgress }, cancellationToken);
        watch.Stop();

        var metrics = stream.GetMetrics();
        TestContext.Out.WriteLine($"drained in {watch.Elapsed.TotalSeconds:0.0} s: {metrics.PersistedBytes} of {metrics.PutBytes} bytes, {metrics.PersistedFrames} frames, {metrics.PersistedFragments} fragments persisted");
        Assert.That(watch.Elapsed, Is.GreaterThan(noProgress), "the link is slow enough that a fixed timeout of this length would have failed the drain");
        Assert.That(metrics.PersistedFrames, Is.EqualTo(Frames));
        Assert.That(metrics.PersistedBytes, Is.EqualTo(metrics.PutBytes), "progress reaches 100 % exactly when everything is persisted");
        Assert.That(metrics.PersistedFragments, Is.EqualTo(Frames / 25));
        Assert.That(await link.Local.ListFragmentsAsync(stream.Name), Has.Count.EqualTo(Frames / 25));
    }

    [Test, CancelAfter(30_000)]
    public async Task Stopping_a_stream_that_never_got_a_frame_returns_at_once(CancellationToken cancellationToken)
    {
        // The uploader used to wait for a first frame before anything else, so this StopAsync hung until its token.
        await using var local = await LocalKvsFixture.StartAsync();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("never-fed") { CreateIfMissing = true }, cancellationToken);

        var watch = Stopwatch.StartNew();
        await stream.StopAsync(cancellationToken);

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(stream.GetMetrics().PutFrames, Is.Zero);
    }

    [Test, CancelAfter(60_000)]
    public async Task A_drain_gives_up_with_a_TimeoutException_naming_the_option_when_no_acknowledgement_comes_for_the_no_progress_timeout(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync(o => o with { Faults = new LocalKvsFaults { StopAcks = true } });
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("no-acks") { CreateIfMissing = true }, cancellationToken);
        await StreamRun.Of(stream).PutAsync(50, TimeSpan.Zero, cancellationToken);

        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<TimeoutException>(() => stream.StopAsync(new DrainOptions { NoProgressTimeout = TimeSpan.FromSeconds(1.5) }, cancellationToken));

        TestContext.Out.WriteLine(error!.Message);
        Assert.That(error.Message, Does.Contain("DrainOptions.NoProgressTimeout 1.5 s").And.Contain("0 of ").And.Contain("no-acks"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "given up after about 1.5 s, not after the staleness limit or never");
    }

    [Test, CancelAfter(60_000)]
    public async Task A_drain_gives_up_at_its_deadline_even_while_it_makes_progress(CancellationToken cancellationToken)
    {
        await using var link = await SlowLink.StartAsync();
        var stream = await link.StreamAsync("deadline", cancellationToken);

        var error = Assert.ThrowsAsync<TimeoutException>(() => stream.StopAsync(new DrainOptions { Deadline = TimeSpan.FromSeconds(1) }, cancellationToken));

        var metrics = stream.GetMetrics();
        Assert.That(error!.Message, Does.Contain("DrainOptions.Deadline 1 s"));
        Assert.That(metrics.PersistedBytes, Is.LessThan(metrics.PutBytes));
    }

    [Test]
    public void Drain_options_refuse_a_zero_timeout_naming_the_option()
    {
        var error = Assert.Throws<ArgumentException>(() => new DrainOptions { NoProgressTimeout = TimeSpan.Zero }.Validate());

        Assert.That(error!.Message, Does.Contain("NoProgressTimeout 00:00:00 must be positive"));
    }

    /// <summary>LocalKvs behind a 25 kB/s uplink, and a stream that was put <see cref="Frames"/> frames at once.</summary>
    private sealed class SlowLink : IAsyncDisposable
    {
        private readonly FreezableProxy _proxy;
        private KinesisVideoProducer? _producer;
        private KinesisVideoStream? _stream;

        private SlowLink(FreezableProxy proxy, LocalKvsFixture local)
        {
            _proxy = proxy;
            Local = local;
        }

        public LocalKvsFixture Local { get; }

        public static async Task<SlowLink> StartAsync()
        {
            var proxy = new FreezableProxy { UploadBytesPerSecond = 25_000 };
            var local = await LocalKvsFixture.StartAsync(o => o with { AdvertisedDataEndpoint = proxy.Url });
            proxy.TargetPort = local.Kvs.Url.Port;
            proxy.Start();
            return new SlowLink(proxy, local);
        }

        public async Task<KinesisVideoStream> StreamAsync(string name, CancellationToken cancellationToken)
        {
            _producer = new KinesisVideoProducer(Local.ProducerOptions);
            _stream = await _producer.StartStreamAsync(new StreamDefinition(name) { CreateIfMissing = true }, cancellationToken);
            await StreamRun.Of(_stream).PutAsync(Frames, TimeSpan.Zero, cancellationToken);
            return _stream;
        }

        public async ValueTask DisposeAsync()
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync();
            }

            if (_producer is not null)
            {
                await _producer.DisposeAsync();
            }

            await Local.DisposeAsync();
            await _proxy.DisposeAsync();
        }
    }
}
