// The smallest program that packages frames into Kinesis Video Streams MKV with the public API:
//   dotnet run --project samples/PackageFrames -- 'frames:tests/data/h264-640x480?fps=25' out.mkv
using System.IO.Pipelines;
using KvsProducer;
using KvsProducer.Sources;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: PackageFrames SOURCE OUTPUT.mkv   (SOURCE: frames:DIR?fps=25 or file:clip.h264?fps=25)");
    return 2;
}

await using var source = ElementaryStreamSources.Open(SourceUri.Parse(args[0]), start: TimeSpan.Zero);
var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [source.Track] });
await using var file = File.Create(args[1]);
var output = PipeWriter.Create(file);
await foreach (var frame in source.ReadFramesAsync())
{
    fragmenter.Write(frame, output);
    await output.FlushAsync();
}

fragmenter.CompleteFragment(output);
await output.CompleteAsync();
Console.WriteLine($"{fragmenter.FramesWritten} frames in {fragmenter.FragmentsStarted} fragments → {args[1]}");
return 0;
