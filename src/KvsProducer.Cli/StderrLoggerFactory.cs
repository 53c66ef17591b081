using Microsoft.Extensions.Logging;

namespace KvsProducer.Cli;

/// <summary>
/// <c>--debug</c>'s log: every library message (the producer's, the media source's and FFmpeg's) at
/// <see cref="LogLevel.Debug"/> and above, on stderr, in the console logger's "dbug: Category[id]" form.
/// Our own few lines rather than Microsoft.Extensions.Logging.Console: the tool stays small and AOT-clean.
/// </summary>
internal sealed class StderrLoggerFactory(LogLevel minimum) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName, minimum);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("kvs --debug logs to stderr only.");

    public void Dispose()
    {
    }

    private sealed class StderrLogger(string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var text = $"{Abbreviation(logLevel)}: {category}[{eventId.Id}] {formatter(state, exception)}";
            TerminalLine.Message(exception is null ? text : $"{text}{Environment.NewLine}{exception}");
        }

        private static string Abbreviation(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
