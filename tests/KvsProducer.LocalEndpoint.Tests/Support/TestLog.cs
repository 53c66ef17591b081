using Microsoft.Extensions.Logging;

namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>Endpoint logs into the NUnit progress output, to explain a failing test.</summary>
internal sealed class TestLog : ILoggerProvider, ILogger
{
    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(b => b.AddProvider(new TestLog()).SetMinimumLevel(LogLevel.Debug));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string line = $"[{logLevel}] {formatter(state, exception)} {exception}";
        TestContext.Progress.WriteLine(line);
        if (Environment.GetEnvironmentVariable("KVS_TEST_LOG") is { Length: > 0 } path)
        {
            lock (Factory)
            {
                File.AppendAllText(path, line + "\n");
            }
        }
    }

    public void Dispose()
    {
    }
}
