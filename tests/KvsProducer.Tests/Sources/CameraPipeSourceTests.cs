using System.Diagnostics;
using System.Globalization;
using KvsProducer.Sources;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Sources;

/// <summary>
/// exec:/fifo: camera pipes, read from a stand-in for rpicam-vid (stand-in-rpicam-vid.sh: ffmpeg writing
/// the recorded tests/data/media/clip.h264 — 50 frames, 25 fps, IDR every 25 — in real time, flushed per
/// frame, SPS/PPS before every IDR as --inline does), so the frames, their key-frame flags and their
/// arrival stamps come from a real process writing a real pipe.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class CameraPipeSourceTests
{
    private const double ClipFps = 25;

    private static string Clip => TestData.PathOf(Path.Combine("media", "clip.h264"));

    private static string StandIn => Path.Combine(TestData.RepositoryRoot, "tests", "KvsProducer.Tests", "Sources", "stand-in-rpicam-vid.sh");

    private static string Camera(string options = "", string? pidFile = null) =>
        $"exec:sh '{StandIn}' '{Clip}' {ClipFps.ToString(CultureInfo.InvariantCulture)}{(pidFile is null ? "" : $" '{pidFile}'")}{options}";

    private static int ClipFrames => int.Parse(FfmpegTool.Ffprobe("-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", Clip).Trim(), CultureInfo.InvariantCulture);

    private sealed record Received(TimeSpan Decoding, bool IsKeyFrame, int Length);

    private static async Task<List<Received>> ReadAsync(IFrameSource source, int max = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var frames = new List<Received>();
        await foreach (var frame in source.ReadFramesAsync(cancellationToken))
        {
            frames.Add(new Received(frame.DecodingTime, frame.IsKeyFrame, frame.Data.Length));
            if (frames.Count >= max)
            {
                break;
            }
        }

        return frames;
    }

    private static IFrameSource Open(string uri) => ElementaryStreamSources.Open(SourceUri.Parse(uri), TimeSpan.Zero);

    private static double[] StepsInMilliseconds(List<Received> frames) =>
        frames.Zip(frames.Skip(1), (a, b) => (b.Decoding - a.Decoding).TotalMilliseconds).ToArray();

    [Test]
    public async Task Every_access_unit_the_camera_writes_becomes_a_frame_flagged_at_each_IDR()
    {
        await using var source = Open(Camera("?restart=never"));
        await using var file = Open($"file:{Clip}?fps=25");

        var frames = await ReadAsync(source);

        var keyFramesInFile = (await ReadAsync(file)).Select((f, i) => (f, i)).Where(x => x.f.IsKeyFrame).Select(x => x.i);
        Assert.Multiple(() =>
        {
            Assert.That(frames, Has.Count.EqualTo(ClipFrames), "ffprobe's frame count of the clip");
            Assert.That(frames.Select((f, i) => (f, i)).Where(x => x.f.IsKeyFrame).Select(x => x.i), Is.EqualTo(keyFramesInFile).And.Not.Empty);
        });
    }

    [Test]
    [NonParallelizable] // timing: the stand-in camera (ffmpeg -re) bursts when other tests load the machine
    public async Task Frames_are_stamped_by_the_cameras_pacing()
    {
        await using var source = Open(Camera("?restart=never"));

        var steps = StepsInMilliseconds(await ReadAsync(source));

        // The median, not the mean: on a loaded machine the writer (ffmpeg -re) can stall, then catch up in a burst,
        // which shortens the mean of arrival-stamped steps (29.5 ms measured once under a full build) while the
        // typical step stays the camera's period.
        var median = steps.Order().ElementAt(steps.Length / 2);
        Assert.Multiple(() =>
        {
            Assert.That(steps, Has.All.GreaterThan(0), "monotonic");
            Assert.That(median, Is.EqualTo(1000 / ClipFps).Within(15).Percent, "the camera's 25 fps, learnt from the arrivals");
        });
    }

    [Test]
    [NonParallelizable] // timing: the stand-in camera (ffmpeg -re) bursts when other tests load the machine
    public async Task An_fps_hint_spaces_the_stamps_by_its_period_despite_arrival_jitter()
    {
        await using var source = Open(Camera("?restart=never&fps=25"));

        var steps = StepsInMilliseconds(await ReadAsync(source));

        // The stamps follow the arrivals a little (ArrivalClock.TimeGain), so a machine under load can move single
        // steps by more than the pipe's usual jitter; what the hint promises is the typical step and the least one.
        var sorted = steps.Order().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sorted[sorted.Count / 2], Is.InRange(40 - 3, 40 + 3), "the median step is the hint's period");
            Assert.That(sorted[0], Is.GreaterThanOrEqualTo(40 * ArrivalClock.DurationShare - 0.5), "no step is shorter than the duration each frame promised");
        });
    }

    [Test]
    public async Task A_camera_that_ends_is_started_again_and_its_stamps_go_on()
    {
        await using var source = Open(Camera("?restart=always"));

        var frames = await ReadAsync(source, max: ClipFrames + 10);

        Assert.Multiple(() =>
        {
            Assert.That(((CameraPipeSource)source).Restarts, Is.EqualTo(1));
            Assert.That(frames[ClipFrames].IsKeyFrame, Is.True, "the second run starts at its IDR");
            Assert.That(frames[ClipFrames].Decoding - frames[ClipFrames - 1].Decoding, Is.GreaterThanOrEqualTo(CameraPipeSource.FirstRestartDelay),
                "the restart delay shows in the stamps");
            Assert.That(StepsInMilliseconds(frames), Has.All.GreaterThan(0));
        });
    }

    [Test]
    public async Task A_failing_camera_is_reported_with_its_exit_code_and_standard_error()
    {
        await using var source = Open("exec:sh -c 'echo \"ERROR: *** no cameras available ***\" >&2; exit 1'?restart=never");

        var error = Assert.ThrowsAsync<IOException>(() => ReadAsync(source));

        Assert.That(error!.Message, Does.Contain("'sh' exited with code 1").And.EndWith("ERROR: *** no cameras available ***"));
    }

    [Test]
    public async Task A_camera_that_fails_again_and_again_without_a_picture_is_given_up_after_three_runs()
    {
        await using var source = Open("exec:sh -c 'echo \"ERROR: *** no cameras available ***\" >&2; exit 255'");

        var error = Assert.ThrowsAsync<IOException>(() => ReadAsync(source));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("ended 3 times in a row without sending a picture (last exit code 255)").And.EndWith("no cameras available ***"));
            Assert.That(((CameraPipeSource)source).Restarts, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_program_that_does_not_exist_is_named_with_what_to_install()
    {
        await using var source = Open("exec:no-such-rpicam-vid -t 0 -o -");

        var error = Assert.ThrowsAsync<IOException>(() => ReadAsync(source));

        Assert.That(error!.Message, Does.StartWith("exec: source cannot start 'no-such-rpicam-vid'").And.Contain("sudo apt install rpicam-apps"));
    }

    [Test]
    public async Task Disposing_the_source_kills_the_camera_program()
    {
        var pidFile = Path.GetTempFileName();
        var source = Open(Camera(pidFile: pidFile));
        await ReadAsync(source, max: 3);
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.That(ProcessIsRunning(pid), Is.True, "the camera still runs while the source is open");

        await source.DisposeAsync();

        Assert.That(ProcessIsRunning(pid), Is.False);
        File.Delete(pidFile);
    }

    [Test]
    public async Task Cancelling_the_read_kills_the_camera_program_and_ends_the_read()
    {
        var pidFile = Path.GetTempFileName();
        await using var source = Open(Camera(pidFile: pidFile));
        using var cancellation = new CancellationTokenSource();
        var frames = 0;

        var read = async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(cancellation.Token))
            {
                if (++frames == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        };

        Assert.That(read, Throws.InstanceOf<OperationCanceledException>());
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.That(() => ProcessIsRunning(pid), Is.False.After(5000, 50));
        File.Delete(pidFile);
    }

    [Test]
    public async Task A_FIFO_written_by_the_camera_is_read_until_its_writer_closes()
    {
        var fifo = Path.Combine(Path.GetTempPath(), "kvs-camera-" + Guid.NewGuid().ToString("N"));
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        using var writer = Process.Start("sh", ["-c", $"exec sh '{StandIn}' '{Clip}' 25 > '{fifo}'"]);
        try
        {
            await using var source = Open($"fifo:{fifo}?restart=never");

            var frames = await ReadAsync(source);

            Assert.That(frames, Has.Count.EqualTo(ClipFrames));
        }
        finally
        {
            writer.Kill(entireProcessTree: true);
            File.Delete(fifo);
        }
    }

    [Test]
    [NonParallelizable] // timing: the stand-in camera (ffmpeg -re) bursts when other tests load the machine
    public async Task Kvs_package_of_the_camera_gives_an_mkv_that_ffprobe_reads_with_every_frame_at_the_cameras_pace()
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var output = Path.Combine(directory, "camera.mkv");

            Assert.That(await KvsProducer.Tests.Cli.PackageCommandTests.Run("--source", Camera("?restart=never"), "--output", output), Is.Zero);

            var frames = int.Parse(FfmpegTool.Ffprobe("-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", output).Trim(), CultureInfo.InvariantCulture);
            var times = FfmpegTool.Ffprobe("-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", output)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            Assert.Multiple(() =>
            {
                Assert.That(frames, Is.EqualTo(ClipFrames));
                // A live camera's stamps are variable-rate (arrival-paced): decoded with the file's own millisecond time base,
                // not rescaled to a guessed constant rate, where two frames 9 ms apart would land in the same slot.
                Assert.That(FfmpegTool.Ffmpeg("-i", output, "-fps_mode", "passthrough", "-enc_time_base", "-1", "-f", "null", "-"), Is.Empty, "ffmpeg -v error must print nothing");
                Assert.That(times.Zip(times.Skip(1), (a, b) => b - a), Has.All.GreaterThan(0), "strictly increasing");
                // The median step, not the span: the stand-in's writer (ffmpeg -re) stalls and bursts on a loaded machine
                // (a 1.46 s span measured once during a full build), and arrival stamps rightly show that.
                var steps = times.Zip(times.Skip(1), (a, b) => b - a).Order().ToArray();
                Assert.That(steps[steps.Length / 2], Is.EqualTo(1 / ClipFps).Within(15).Percent, "the clip's 25 fps");
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Kvs_package_reads_the_camera_piped_into_its_standard_input()
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var output = Path.Combine(directory, "stdin.mkv");
            var kvs = Path.Combine(AppContext.BaseDirectory, "kvs.dll");
            // The shell pipeline a user writes: rpicam-vid ... -o - | kvs package --source stdin:
            using var pipeline = Process.Start("sh", ["-c", $"sh '{StandIn}' '{Clip}' 25 | dotnet '{kvs}' package --source 'stdin:?fps=25' --output '{output}'"]);
            await pipeline.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.That(pipeline.ExitCode, Is.Zero);
            Assert.That(int.Parse(FfmpegTool.Ffprobe("-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", output).Trim(), CultureInfo.InvariantCulture),
                Is.EqualTo(ClipFrames));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestCase("exec:rpicam-vid?restart=sometimes", "Source 'exec:rpicam-vid?restart=sometimes': restart=sometimes is not a restart policy; use restart=never, restart=on-failure or restart=always.")]
    [TestCase("exec:?fps=30", "Source 'exec:?fps=30' names no program: write exec:rpicam-vid -t 0 --inline -o - (the program must write H.264 to its standard output).")]
    [TestCase("stdin:?restart=always", "Source 'stdin:?restart=always': unknown option 'restart' for stdin: sources; known options: fps, codec.")]
    [TestCase("fifo:/tmp/cam?fps=0", "Source 'fifo:/tmp/cam?fps=0': fps=0 is not a positive number (e.g. fps=25 or fps=29.97).")]
    public void A_bad_camera_pipe_uri_is_refused_with_what_to_write(string uri, string message)
    {
        Assert.That(() => Open(uri), Throws.ArgumentException.With.Message.EqualTo(message));
    }

    private static bool ProcessIsRunning(int pid)
    {
        // A killed process that was reaped has no /proc entry; one not yet reaped is a zombie ("Z").
        var status = $"/proc/{pid}/status";
        return File.Exists(status) && !File.ReadLines(status).Any(line => line.StartsWith("State:", StringComparison.Ordinal) && line.Contains('Z', StringComparison.Ordinal));
    }
}
