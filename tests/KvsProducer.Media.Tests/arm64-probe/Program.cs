using KvsProducer.Media.Probe;

// Usage: KvsMediaProbe <max-frames> <source-uri>...
// Prints ProbeReport for each source; run on linux-arm64 (under qemu-aarch64-static in the tests) and
// against other FFmpeg builds. Standard error names the libkvsmedia and libavformat files the process
// mapped (/proc/self/maps), so a test sees which build the locator chose, independently of it.
int maxFrames = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
foreach (string uri in args.Skip(1))
{
    Console.Write(await ProbeReport.WriteAsync(uri, maxFrames));
}

var mapped = File.ReadLines("/proc/self/maps")
    .Select(line => Path.GetFileName(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last()))
    .Where(file => file.StartsWith("libkvsmedia", StringComparison.Ordinal) || file.StartsWith("libavformat.so", StringComparison.Ordinal))
    .Distinct()
    .Order(StringComparer.Ordinal);
Console.Error.WriteLine("native: " + string.Join(' ', mapped));
