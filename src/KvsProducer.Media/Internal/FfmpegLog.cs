using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Media.Internal;

/// <summary>
/// Routes FFmpeg's log (process-wide in FFmpeg) to an <see cref="ILogger"/>: the last source
/// opened with a logger factory sets it. FFmpeg calls from any thread, x264's workers included.
/// </summary>
internal static unsafe partial class FfmpegLog
{
    /// <summary>The logger category of FFmpeg's messages.</summary>
    public const string Category = "KvsProducer.Media.FFmpeg";

    private static volatile ILogger? s_logger;

    /// <summary>Sends FFmpeg's messages at the logger's enabled levels to <paramref name="loggerFactory"/>, or silences FFmpeg.</summary>
    public static void Route(ILoggerFactory? loggerFactory)
    {
        ILogger? logger = loggerFactory?.CreateLogger(Category);
        LogLevel minimum = LogLevel.None;
        if (logger is not null)
        {
            for (LogLevel level = LogLevel.Trace; level < LogLevel.None; level++)
            {
                if (logger.IsEnabled(level))
                {
                    minimum = level;
                    break;
                }
            }
        }

        if (minimum == LogLevel.None)
        {
            s_logger = null;
            NativeMethods.SetLog(null, (int)LogLevel.None);
            return;
        }

        s_logger = logger;
        NativeMethods.SetLog(&OnMessage, (int)minimum);
    }

    [UnmanagedCallersOnly]
    private static void OnMessage(int level, byte* message)
    {
        ILogger? logger = s_logger;
        if (logger is null)
        {
            return;
        }

        try
        {
            Message(logger, (LogLevel)level, Marshal.PtrToStringUTF8((nint)message) ?? string.Empty);
        }
#pragma warning disable CA1031 // An exception must never unwind into FFmpeg's C frames.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [LoggerMessage(EventId = 6100, Message = "{Message}")]
    private static partial void Message(ILogger logger, LogLevel level, string message);
}
