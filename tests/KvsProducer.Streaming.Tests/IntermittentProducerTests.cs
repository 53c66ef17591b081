using System.Diagnostics;
using System.Text;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// A motion-triggered camera against the local endpoint: a burst of frames, then silence. The idle timeout ends
/// the fragment so it is PERSISTED without the next key frame and without stopping the stream; the event tags it
/// requested are stored with it and come back through GetMediaForFragmentList, read by mkvinfo.
/// </summary>
public class IntermittentProducerTests
{
    [Test, CancelAfter(60_000)]
    public async Task A_burst_shorter_than_a_gop_is_persisted_after_the_idle_timeout_without_stopping(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("motion") { CreateIfMissing = true, IdleFragmentTimeout = TimeSpan.FromSeconds(1) }, cancellationToken);
        var persisted = new TaskCompletionSource<FragmentAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new List<FragmentAck>();
        stream.FragmentAcknowledged += (_, ack) =>
        {
            if (ack.EventType == FragmentAckEventType.Error)
            {
                lock (errors)
                {
                    errors.Add(ack);
                }
            }

            if (ack.EventType == FragmentAckEventType.Persisted)
            {
                persisted.TrySetResult(ack);
            }
        };
        var start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        stream.PutEvent(StreamEventType.ImageGeneration | StreamEventType.Notification, new StreamEventMetadata { ImagePrefix = "motion", Pairs = [new("zone", "porch")] });

        var watch = Stopwatch.StartNew();
        foreach (var frame in RecordedClip.Frames(start, 10))
        {
            Assert.That(stream.PutFrame(frame), Is.True);
        }

        var ack = await persisted.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "persisted about a second after the last frame, not at stop");
        Assert.That(stream.IdleFragmentsEnded, Is.EqualTo(1));
        Assert.That(ack.FragmentTimecode, Is.EqualTo((long)start.TotalMilliseconds));
        var fragments = await local.ListFragmentsAsync("motion");
        Assert.That(fragments, Has.Count.EqualTo(1));
        var number = fragments[0].GetProperty("FragmentNumber").GetString();

        using var response = await local.Http.PostAsync("/getMediaForFragmentList",
            new StringContent($$"""{"StreamName":"motion","Fragments":["{{number}}"]}""", Encoding.UTF8, "application/json"), cancellationToken);
        response.EnsureSuccessStatusCode();
        var path = Path.Combine(Path.GetTempPath(), $"motion-{Guid.NewGuid():N}.mkv");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync(cancellationToken), cancellationToken);
        try
        {
            var info = await RunAsync("mkvinfo", "--all", path);
            Assert.That(info, Does.Contain("Name: AWS_KINESISVIDEO_IMAGE_GENERATION"));
            Assert.That(info, Does.Contain("String: motion"));
            Assert.That(info, Does.Contain("Name: AWS_KINESISVIDEO_NOTIFICATION"));
            Assert.That(info, Does.Contain("Name: zone"));
        }
        finally
        {
            File.Delete(path);
        }

        // Stopping now ends the session with its end tag right after the idle end-of-fragment tag: accepted.
        await stream.StopAsync(cancellationToken);
        Assert.That(errors, Is.Empty);
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.EqualTo(0), await process.StandardError.ReadToEndAsync());
        return output;
    }
}
