using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace RaspberryPiCamera;

/// <summary>
/// systemd's watchdog (<c>WatchdogSec=</c> in the unit): systemd passes the period in <c>WATCHDOG_USEC</c>
/// and the socket in <c>NOTIFY_SOCKET</c>; the service must send <c>WATCHDOG=1</c> more often than that or
/// be restarted (sd_watchdog_enabled(3), sd_notify(3)). It is sent at half the period, and only while the
/// health check says fragments are being persisted, so a stream that silently stopped gets the service
/// restarted. Without <c>WATCHDOG_USEC</c> (not run by systemd, or no WatchdogSec) this does nothing.
/// </summary>
internal sealed partial class SystemdWatchdog(HealthCheckService health, ILogger<SystemdWatchdog> logger, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!TryGetPeriod(out var period))
        {
            return;
        }

        var notifier = new SystemdNotifier(); // NOTIFY_SOCKET, whether or not the host detected systemd
        if (!notifier.IsEnabled)
        {
            return;
        }

        LogWatchdogEnabled(period);
        var wasHealthy = true;
        using var timer = new PeriodicTimer(period / 2, clock);
        try
        {
            do
            {
                var report = await health.CheckHealthAsync(stoppingToken);
                var healthy = report.Status == HealthStatus.Healthy;
                if (healthy)
                {
                    notifier.Notify(new ServiceState("WATCHDOG=1"));
                }
                else if (wasHealthy)
                {
                    LogUnhealthy(string.Join("; ", report.Entries.Select(e => e.Value.Description)));
                }

                wasHealthy = healthy;
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>WATCHDOG_USEC, when it is meant for this process (WATCHDOG_PID absent or ours).</summary>
    private static bool TryGetPeriod(out TimeSpan period)
    {
        period = TimeSpan.Zero;
        if (Environment.GetEnvironmentVariable("WATCHDOG_PID") is { Length: > 0 } pid
            && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return false;
        }

        if (!long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds <= 0)
        {
            return false;
        }

        period = TimeSpan.FromMicroseconds(microseconds);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "systemd watchdog every {Period}: WATCHDOG=1 while fragments are being persisted")]
    private partial void LogWatchdogEnabled(TimeSpan period);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unhealthy, no watchdog ping until it recovers: {Reason}")]
    private partial void LogUnhealthy(string reason);
}
