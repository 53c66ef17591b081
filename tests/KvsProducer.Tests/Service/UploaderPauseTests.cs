using System.Collections.Concurrent;
using KvsProducer.Auth;
using KvsProducer.LocalEndpoint;
using KvsProducer.Tests.Mkv;

namespace KvsProducer.Tests.Service;

/// <summary>
/// Pausing the live uploader (StreamUploader.Pause.cs), against the local endpoint: the session ends at a fragment
/// start, no session is open while paused (frames wait in memory), Resume starts a fresh session that sends them,
/// and a stop during a pause drains.
/// </summary>
public class UploaderPauseTests
{
    private static readonly TimeSpan Epoch = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Test, CancelAfter(60_000)]
    public async Task A_paused_upload_opens_no_session_and_sends_nothing_until_resumed_then_sends_what_waited(CancellationToken cancellationToken)
    {
        await using var run = await PausableRun.StartAsync("pause", cancellationToken);
        var frames = RecordedFrames.H264VgaFrames(Epoch, 150); // 25 fps, a key frame every 25: fragments of 1 s
        await run.PutAsync(frames, 0, 40, cancellationToken);
        await run.WaitForPersistedAsync(1, cancellationToken);
        var uploader = run.Stream.Uploader!;

        var pausing = uploader.PauseAsync(cancellationToken);
        await run.PutAsync(frames, 40, 10, cancellationToken);
        Assert.That(pausing.IsCompleted, Is.False, "the pause waits for the fragment being sent to end");
        await run.PutAsync(frames, 50, 1, cancellationToken); // the next fragment starts: the session ends there
        await pausing;
        int sessionsWhenPaused = uploader.Sessions;
        int acksWhenPaused = run.Acks.Count;
        await run.PutAsync(frames, 51, 49, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);

        Assert.That(uploader.Sessions, Is.EqualTo(sessionsWhenPaused), "no session started while paused");
        Assert.That(run.Acks, Has.Count.EqualTo(acksWhenPaused), "nothing sent while paused, so nothing answered");
        Assert.That(run.Persisted, Is.EqualTo(2), "the session ended after the fragment it was sending, which the service persisted");

        uploader.Resume();
        await run.WaitForPersistedAsync(3, cancellationToken);
        Assert.That(uploader.Sessions, Is.EqualTo(sessionsWhenPaused + 1), "one fresh session after the pause");
        await run.Stream.StopAsync(cancellationToken);
        Assert.That(run.Stream.GetMetrics().PersistedFrames, Is.EqualTo(100), "every frame stored, none lost at the pause");
        Assert.That(run.Errors, Is.Empty, "a pause is no failure");
    }

    [Test, CancelAfter(60_000)]
    public async Task A_stop_during_a_pause_drains_what_waited(CancellationToken cancellationToken)
    {
        await using var run = await PausableRun.StartAsync("pause-stop", cancellationToken);
        var frames = RecordedFrames.H264VgaFrames(Epoch, 100);
        await run.PutAsync(frames, 0, 30, cancellationToken);
        await run.WaitForPersistedAsync(1, cancellationToken);
        var pausing = run.Stream.Uploader!.PauseAsync(cancellationToken);
        await run.PutAsync(frames, 30, 45, cancellationToken);
        await pausing;

        await run.Stream.StopAsync(cancellationToken); // never resumed: stop ends the pause

        Assert.That(run.Stream.GetMetrics().PersistedFrames, Is.EqualTo(75));
    }

    [Test, CancelAfter(60_000)]
    public async Task A_second_pause_without_resume_is_refused(CancellationToken cancellationToken)
    {
        await using var run = await PausableRun.StartAsync("pause-twice", cancellationToken);
        await run.PutAsync(RecordedFrames.H264VgaFrames(Epoch, 30), 0, 30, cancellationToken);
        await run.WaitForPersistedAsync(1, cancellationToken);
        var uploader = run.Stream.Uploader!;
        _ = uploader.PauseAsync(cancellationToken);

        Assert.That(() => uploader.PauseAsync(cancellationToken), Throws.InvalidOperationException.With.Message.Contains("Resume"));
        uploader.Resume();
    }

    /// <summary>A Realtime stream on a local endpoint, with its acknowledgements and errors kept.</summary>
    private sealed class PausableRun : IAsyncDisposable
    {
        private readonly DirectoryInfo _data;
        private readonly LocalKvs _kvs;
        private readonly KinesisVideoProducer _producer;

        private PausableRun(DirectoryInfo data, LocalKvs kvs, KinesisVideoProducer producer, KinesisVideoStream stream)
        {
            _data = data;
            _kvs = kvs;
            _producer = producer;
            Stream = stream;
            stream.FragmentAcknowledged += (_, ack) => Acks.Enqueue(ack);
            stream.ErrorOccurred += (_, e) => Errors.Enqueue(e);
        }

        public KinesisVideoStream Stream { get; }

        public ConcurrentQueue<FragmentAck> Acks { get; } = new();

        public ConcurrentQueue<StreamErrorEventArgs> Errors { get; } = new();

        public static async Task<PausableRun> StartAsync(string name, CancellationToken cancellationToken)
        {
            var data = Directory.CreateTempSubdirectory("kvs-pause-");
            var kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = data.FullName }, cancellationToken);
            var producer = new KinesisVideoProducer(new ProducerOptions
            {
                Region = "us-west-2",
                ServiceUrl = kvs.Url,
                Credentials = new StaticCredentialsProvider("AKIDLOCALTEST", "local-secret"),
            });
            var stream = await producer.StartStreamAsync(new StreamDefinition(name) { CreateIfMissing = true, BufferDuration = TimeSpan.FromSeconds(30), ReplayDuration = TimeSpan.FromSeconds(30) }, cancellationToken);
            return new PausableRun(data, kvs, producer, stream);
        }

        public int Persisted => Acks.Count(a => a.EventType == FragmentAckEventType.Persisted);

        public async Task PutAsync(Frame[] frames, int from, int count, CancellationToken cancellationToken)
        {
            for (int i = from; i < from + count; i++)
            {
                Assert.That(Stream.PutFrame(frames[i]), Is.True);
                await Task.Delay(5, cancellationToken);
            }
        }

        public async Task WaitForPersistedAsync(int fragments, CancellationToken cancellationToken)
        {
            while (Persisted < fragments)
            {
                await Task.Delay(20, cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _producer.DisposeAsync();
            await _kvs.DisposeAsync();
            _data.Delete(recursive: true);
        }
    }
}
