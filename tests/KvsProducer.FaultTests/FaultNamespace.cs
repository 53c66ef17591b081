using System.Diagnostics;

namespace KvsProducer.FaultTests;

/// <summary>
/// Whether this machine can run the fault scenarios: a private network and mount namespace
/// (<c>unshare -n -m</c>, root), nftables, tc, ffprobe and the Debian Python. When it cannot, every
/// scenario is reported as ignored with the reason, never as passed.
/// </summary>
internal static class FaultNamespace
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>Why the scenarios cannot run here, or null when they can.</summary>
    public static string? Unavailable => Missing.Value;

    public static void RequireAvailable()
    {
        if (Unavailable is { } reason)
        {
            Assert.Ignore($"Fault scenarios need a private network namespace: {reason}");
        }
    }

    private static string? FindMissing()
    {
        foreach (var tool in new[] { "/usr/sbin/nft", "/usr/sbin/tc", "/usr/sbin/ip", "/usr/bin/ffprobe", "/usr/bin/python3" })
        {
            if (!File.Exists(tool))
            {
                return $"{tool} is not installed (./build.sh installs nftables, iproute2, ffmpeg, python3).";
            }
        }

        // The probe does in miniature what every scenario does: a namespace, lo up, an nft table, a tc qdisc.
        const string Probe = "ip link set lo up && nft add table inet probe && tc qdisc add dev lo root tbf rate 1mbit burst 16kb latency 100ms && mount -t tmpfs -o size=1m probe /mnt";
        var (exitCode, output) = Run("unshare", "-n", "-m", "sh", "-c", Probe);
        return exitCode == 0 ? null : $"'unshare -n -m' with nft, tc and a tmpfs failed (exit {exitCode}): {output.Trim()} (run as root, or where user namespaces are allowed).";
    }

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
