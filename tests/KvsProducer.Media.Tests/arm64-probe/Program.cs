using KvsProducer.Media.Probe;

// Usage: KvsMediaProbe <max-frames> <source-uri>...
// Prints ProbeReport for each source; run on linux-arm64 (under qemu-aarch64-static in the tests).
int maxFrames = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
foreach (string uri in args.Skip(1))
{
    Console.Write(await ProbeReport.WriteAsync(uri, maxFrames));
}
