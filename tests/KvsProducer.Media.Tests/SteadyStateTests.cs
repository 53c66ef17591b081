namespace KvsProducer.Media.Tests;

/// <summary>The read path's costs in steady state (STYLE.md: hot paths allocate nothing per frame).</summary>
public sealed class SteadyStateTests
{
    [Test]
    public async Task Reading_frames_allocates_nothing_per_frame_once_started()
    {
        using MediaSource source = MediaSource.Open("file:" + TestData.Clip("clip.ts"));
        await using IAsyncEnumerator<Frame> frames = source.ReadFramesAsync().GetAsyncEnumerator();
        for (int i = 0; i < 5; i++)
        {
            await frames.MoveNextAsync();
        }

        // A file read never waits, so every MoveNextAsync completes on this thread.
        long before = GC.GetAllocatedBytesForCurrentThread();
        long bytes = 0;
        for (int i = 0; i < 40; i++)
        {
            await frames.MoveNextAsync();
            bytes += frames.Current.Data.Length;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, $"{allocated} bytes allocated while reading 40 frames ({bytes} bytes of video)");
    }

    [Test]
    public async Task A_source_can_be_read_again_after_a_cancelled_read()
    {
        using MediaSource source = MediaSource.Open("testsrc:?size=160x120&rate=25", new MediaSourceOptions { Encoder = H264Encoder.Libx264 });
        using (var cancellation = new CancellationTokenSource())
        {
            Assert.That(async () =>
            {
                await foreach (Frame frame in source.ReadFramesAsync(cancellation.Token))
                {
                    await cancellation.CancelAsync();
                }
            }, Throws.InstanceOf<OperationCanceledException>());
        }

        List<FrameRecord> frames = await FrameRecord.ReadAsync(source, max: 3);

        Assert.That(frames, Has.Count.EqualTo(3));
    }
}
