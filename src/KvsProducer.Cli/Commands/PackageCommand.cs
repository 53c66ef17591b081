using System.CommandLine;
using System.IO.Pipelines;

namespace KvsProducer.Cli.Commands;

/// <summary><c>kvs package</c>: frames from a source → a KVS-style MKV file, as PutMedia would carry them.</summary>
internal static class PackageCommand
{
    public static Command Create()
    {
        var source = new SourceOptions();
        var output = new Option<FileInfo>("--output", "-o") { Description = "The MKV file to write.", Required = true };
        var fragmentDuration = new Option<string>("--fragment-duration")
        {
            Description = "Target fragment duration (1s–30s). A fragment starts at every key frame unless --no-key-frame-fragmentation.",
            DefaultValueFactory = _ => "2s",
        };
        var noKeyFrameFragmentation = new Option<bool>("--no-key-frame-fragmentation")
        {
            Description = "Start a fragment only at the first key frame after --fragment-duration.",
        };
        var timecodes = new Option<FragmentTimecodes>("--timecodes") { Description = "Cluster timecodes: absolute or relative.", DefaultValueFactory = _ => FragmentTimecodes.Absolute };
        var timecodeScale = new Option<string>("--timecode-scale") { Description = "MKV TimecodeScale (100ns–1s).", DefaultValueFactory = _ => "1ms" };
        var trackName = new Option<string>("--track-name") { Description = "MKV track name (≤ 32 bytes).", DefaultValueFactory = _ => "kvs_video_track" };
        var startTime = new Option<string>("--start-time") { Description = "Timestamp of the first frame: epoch seconds or ISO-8601.", DefaultValueFactory = _ => "0" };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object (stdout)." };

        var command = new Command("package", """
            Package frames into a Kinesis Video Streams MKV file (what PutMedia would send).
            Examples:
              kvs package -s 'frames:clips/door?fps=25' -o door.mkv
              kvs package -s file:clip.mp4 -o clip.mkv --timecodes relative
              kvs package -s 'testsrc:?size=1280x720&rate=30' --duration 10s -o test.mkv
            """)
        {
            output, fragmentDuration, noKeyFrameFragmentation, timecodes, timecodeScale, trackName, startTime, json,
        };
        source.AddTo(command);
        command.SetAction((result, cancellationToken) => CliErrors.RunAsync("package", async () =>
        {
            var options = new MkvFragmenterOptions
            {
                FragmentDuration = OptionParsers.ParseDuration(result.GetValue(fragmentDuration)!),
                KeyFrameFragmentation = !result.GetValue(noKeyFrameFragmentation),
                Timecodes = result.GetValue(timecodes),
                TimecodeScale = OptionParsers.ParseDuration(result.GetValue(timecodeScale)!),
            };
            options.Validate();
            await using var frames = source.Open(result, OptionParsers.ParseStartTime(result.GetValue(startTime)!), options.FragmentDuration, paceToRealTime: false);
            var report = await PackageAsync(frames, result.GetValue(output)!, options, result.GetValue(trackName)!, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(result.GetValue(json) ? System.Text.Json.JsonSerializer.Serialize(report, CliJsonContext.Default.PackageReport) : Summary(report));
        }, cancellationToken, summarize: null));
        return command;
    }

    /// <summary>Packages the source into the output file; the file appears only when everything was packaged.</summary>
    public static string Summary(PackageReport r) =>
        $"{Path.GetFileName(r.Output)}: {r.Frames} frames in {r.Fragments} fragments, {r.Codec} {r.Width}x{r.Height}, {r.FramesSkipped} skipped before the first key frame, {r.Bytes} bytes.";

    public static async Task<PackageReport> PackageAsync(OpenedSource frames, FileInfo output, MkvFragmenterOptions options, string trackName, CancellationToken cancellationToken)
    {
        var fragmenter = new MkvFragmenter(options with
        {
            Tracks = [frames.Track with { Name = frames.Track.Kind == TrackKind.Video ? trackName : frames.Track.Name }, .. frames.Tracks.Skip(1)],
        });

        // Written beside the target and renamed at the end: a failed run never leaves a file that looks good.
        var partial = output.FullName + ".partial";
        try
        {
            long index = 0;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var writer = PipeWriter.Create(file, new StreamPipeWriterOptions(minimumBufferSize: 1 << 16));
                await foreach (var frame in frames.ReadFramesAsync(cancellationToken).ConfigureAwait(false))
                {
                    try
                    {
                        fragmenter.Write(frame, writer);
                    }
                    catch (FrameRejectedException error)
                    {
                        throw new FrameRejectedException(error.Reason, $"frame {index} (decoding time {frame.DecodingTime}): {error.Message}");
                    }

                    index++;
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                fragmenter.CompleteFragment(writer);
                await writer.CompleteAsync().ConfigureAwait(false);
            }

            if (fragmenter.FramesWritten == 0)
            {
                throw new InvalidDataException($"The source has {index} frames but no key frame: nothing can be packaged (a fragment must start with a key frame).");
            }

            File.Move(partial, output.FullName, overwrite: true);
            var (width, height) = fragmenter.PictureSize;
            return new PackageReport(output.FullName, fragmenter.FramesWritten, fragmenter.FragmentsStarted, fragmenter.FramesSkipped,
                frames.Track.Kind == TrackKind.Audio ? frames.Track.AudioCodec.ToString() : frames.Track.Codec.ToString(), width, height, new FileInfo(output.FullName).Length);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }
}
