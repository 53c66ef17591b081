// Footprint harness (issue 14). Two roles in one program:
//   measure  — the parent: starts `kvs local --https` (a separate process), runs the producer role N times
//              as child processes, times exec -> PutMedia session start from the endpoint's log, prints medians.
//   produce  — the child: streams looped frames on the public API, then prints its own CPU and peak RSS.
// See docs/benchmarks.md "Device footprint" for how to run it (build.cake target Footprint).
using KvsProducer.Footprint;

return args.FirstOrDefault() switch
{
    "produce" => await ProducerRun.RunAsync(HarnessArguments.Parse(args.AsSpan(1))).ConfigureAwait(false),
    "measure" => await FootprintDriver.RunAsync(HarnessArguments.Parse(args.AsSpan(1))).ConfigureAwait(false),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: KvsProducer.Footprint measure --kvs <kvs command> [--producer <exe>] [--runs 3] [--seconds 60] [--mode realtime|offline] [--bitrate 4000000] [--frames DIR] [--stream NAME] [--storage-mb 0]");
    Console.Error.WriteLine("       KvsProducer.Footprint produce --endpoint URL [--ca PEM] [--seconds 60] [--mode realtime|offline] [--bitrate 4000000] [--frames DIR] [--stream NAME] [--storage-mb 0]");
    return 2;
}
