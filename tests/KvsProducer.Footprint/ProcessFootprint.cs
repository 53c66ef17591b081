using System.Globalization;

namespace KvsProducer.Footprint;

/// <summary>This process's CPU time (user+sys, /proc/self/stat fields 14–15) and peak RSS (VmHWM), as `time -v` reports them.</summary>
internal static class ProcessFootprint
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux x86-64 and arm64

    public static double CpuSeconds()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from #3 (state) on
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    public static double PeakRssMegabytes()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1000.0; // kB -> MB (10^6)
    }
}
