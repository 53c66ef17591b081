using Microsoft.Extensions.Logging;

namespace KvsProducer.Cli;

/// <summary>
/// <c>--debug</c> for the whole run: failures print their full exception after the one line, and the
/// libraries log to stderr at Debug. Without it the libraries are silent; their events are how the tool reports.
/// </summary>
internal static class CliDebug
{
    private static ILoggerFactory? s_loggerFactory;

    public static bool IsOn { get; private set; }

    /// <summary>The factory to give the producer and the media sources: null (no log) unless <c>--debug</c>.</summary>
    public static ILoggerFactory? LoggerFactory => s_loggerFactory;

    public static void TurnOn()
    {
        IsOn = true;
        s_loggerFactory ??= new StderrLoggerFactory(LogLevel.Debug);
    }
}
