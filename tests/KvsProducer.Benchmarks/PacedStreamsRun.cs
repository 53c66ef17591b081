using System.Diagnostics;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Realtime streams fed like live cameras: one timer ticks every frame interval (40 ms at 25 fps) and
/// each tick puts every stream's next frame, stamped with wall-clock time. Cameras are not in step:
/// stream s starts (with its key frame) s × 25 / streams ticks late, so key frames — and fragment
/// completions, and the endpoint's fsyncs — are spread over the second rather than all at once. Measures, from the first
/// put until every stream has stopped (its last fragment PERSISTED): wall time, this process's CPU
/// time (the producer's; the endpoint runs in another process), the endpoint's CPU time, and each
/// fragment's latency to PERSISTED.
/// </summary>
internal static class PacedStreamsRun
{
    public static async Task<PacedStreamsResult> RunAsync(KinesisVideoProducer producer, LocalKvsProcess endpoint, IReadOnlyList<string> names, byte[][] gop, TimeSpan duration)
    {
        var streams = await Task.WhenAll(names.Select(name => producer.StartStreamAsync(new StreamDefinition(name) { CreateIfMissing = true })));
        var probes = new FragmentLatencyProbe[streams.Length];
        long dropped = 0;
        for (var s = 0; s < streams.Length; s++)
        {
            var probe = probes[s] = new FragmentLatencyProbe();
            streams[s].FragmentAcknowledged += (_, ack) => probe.OnAcknowledged(ack);
            streams[s].FramesDropped += (_, e) => Interlocked.Add(ref dropped, e.FrameCount);
        }

        try
        {
            using var self = Process.GetCurrentProcess();
            var producerCpu = self.TotalProcessorTime;
            var endpointCpu = endpoint.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var ticks = (int)(duration / GopFrames.FrameDuration);
            var phases = Enumerable.Range(0, streams.Length).Select(s => s * gop.Length / streams.Length).ToArray();
            long put = 0;
            long refused = 0;
            using (var timer = new PeriodicTimer(GopFrames.FrameDuration))
            {
                for (var n = 0; n < ticks; n++)
                {
                    var timestamp = start + (GopFrames.FrameDuration * n);
                    for (var s = 0; s < streams.Length; s++)
                    {
                        if (n < phases[s])
                        {
                            continue;
                        }

                        var index = (n - phases[s]) % gop.Length;
                        var flags = index == 0 ? FrameFlags.KeyFrame : FrameFlags.None;
                        if (flags == FrameFlags.KeyFrame)
                        {
                            probes[s].KeyFramePutting((ulong)timestamp.TotalMilliseconds);
                        }

                        put++;
                        refused += streams[s].PutFrame(new Frame(gop[index], timestamp, GopFrames.FrameDuration, flags)) ? 0 : 1;
                    }

                    await timer.WaitForNextTickAsync();
                }
            }

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Task.WhenAll(streams.Select(s => s.StopAsync(stopping.Token)));
            clock.Stop();
            self.Refresh();
            return new PacedStreamsResult(
                clock.Elapsed,
                self.TotalProcessorTime - producerCpu,
                endpoint.TotalProcessorTime - endpointCpu,
                put,
                refused,
                Interlocked.Read(ref dropped),
                streams.Sum(s => s.GetMetrics().PersistedFrames),
                streams.Sum(s => s.GetMetrics().TotalSessions),
                [.. probes.SelectMany(p => p.FromKeyFrame)],
                [.. probes.SelectMany(p => p.FromClosingKeyFrame)]);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }
}
