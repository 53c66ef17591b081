using System.Diagnostics;
using KvsProducer.Mkv;
using KvsProducer.Tests.Mkv;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Cli;

/// <summary>
/// Bad input to <c>kvs package</c>: the real executable exits non-zero with one clear line on stderr,
/// and leaves no output file (nor a partial one) that could pass for good.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class PackageCommandErrorTests
{
    private static (int ExitCode, string[] ErrorLines, bool OutputExists) RunKvs(string directory, params string[] arguments)
    {
        var output = Path.Combine(directory, "out.mkv");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "kvs.dll"));
        start.ArgumentList.Add("package");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--output");
        start.ArgumentList.Add(output);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "kvs package must finish");
        var exists = File.Exists(output) || File.Exists(output + ".partial");
        return (process.ExitCode, stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries), exists);
    }

    private static void WithDirectory(Action<string> test)
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            test(directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void AssertFailsWith(string directory, int exitCode, string expected, params string[] arguments)
    {
        var (code, errors, outputExists) = RunKvs(directory, arguments);
        Assert.That(code, Is.EqualTo(exitCode), string.Join('\n', errors));
        Assert.That(errors, Has.Length.EqualTo(1), "one line on stderr");
        Assert.That(errors[0], Does.StartWith("kvs package: ").And.Contain(expected));
        Assert.That(outputExists, Is.False, "no output file after a failure");
    }

    [Test]
    public void Garbage_bytes_are_refused_as_not_annex_b() => WithDirectory(directory =>
    {
        var garbage = new byte[50_000];
        new Random(42).NextBytes(garbage);
        garbage[0] = 0x47;
        File.WriteAllBytes(Path.Combine(directory, "garbage.h264"), garbage);
        AssertFailsWith(directory, 1, "start code", "--source", $"file:{directory}/garbage.h264?fps=25");
    });

    [Test]
    public void A_stream_without_sps_and_pps_is_refused_as_missing_parameter_sets() => WithDirectory(directory =>
    {
        var frames = Path.Combine(directory, "frames");
        Directory.CreateDirectory(frames);
        var index = 0;
        foreach (var frame in RecordedFrames.H264Vga)
        {
            File.WriteAllBytes(Path.Combine(frames, $"frame-{index++:D4}.h264"), WithoutNalTypes(frame, 7, 8));
        }

        AssertFailsWith(directory, 1, "SPS", "--source", $"frames:{frames}?fps=25");
    });

    [Test]
    public void A_truncated_sps_is_refused_as_an_invalid_parameter_set() => WithDirectory(directory =>
    {
        // The SPS cut after its level byte; the PPS and the IDR slice as they were.
        var truncated = RecordedFrames.AnnexB(RecordedFrames.NalUnits(RecordedFrames.H264Vga[0]).Select(nal => (nal[0] & 0x1F) == 7 ? nal[..4] : nal));
        File.WriteAllBytes(Path.Combine(directory, "truncated.h264"), truncated);
        AssertFailsWith(directory, 1, "SPS", "--source", $"file:{directory}/truncated.h264?fps=25");
    });

    [Test]
    public void An_empty_frame_directory_is_refused() => WithDirectory(directory =>
    {
        var empty = Path.Combine(directory, "empty");
        Directory.CreateDirectory(empty);
        AssertFailsWith(directory, 1, "holds no files", "--source", $"frames:{empty}?fps=25&codec=h264");
    });

    [Test]
    public void A_missing_file_is_refused() => WithDirectory(directory =>
        AssertFailsWith(directory, 1, "does not exist", "--source", $"file:{directory}/nothing.h264"));

    [Test]
    public void A_malformed_duration_is_an_argument_error() => WithDirectory(directory =>
        AssertFailsWith(directory, 2, "not a duration", "--source", $"file:{TestData.PathOf("h264-640x480.h264")}", "--fragment-duration", "soon"));

    [Test]
    public void An_out_of_range_fragment_duration_names_the_allowed_range() => WithDirectory(directory =>
        AssertFailsWith(directory, 2, "use 1 to 30 s", "--source", $"file:{TestData.PathOf("h264-640x480.h264")}", "--fragment-duration", "500ms"));

    [Test]
    public void An_unknown_source_option_is_named() => WithDirectory(directory =>
        AssertFailsWith(directory, 2, "unknown option 'fsp'", "--source", $"file:{TestData.PathOf("h264-640x480.h264")}?fsp=25"));

    private static byte[] WithoutNalTypes(byte[] frame, params int[] types) =>
        RecordedFrames.AnnexB(RecordedFrames.NalUnits(frame).Where(nal => !types.Contains(nal[0] & 0x1F)));
}
