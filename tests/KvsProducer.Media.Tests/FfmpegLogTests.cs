using KvsProducer.Media.Internal;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Media.Tests;

/// <summary>FFmpeg's own messages reach the application's logger.</summary>
[NonParallelizable]
public sealed class FfmpegLogTests
{
    [TearDown]
    public void Silence() => FfmpegLog.Route(null);

    [Test]
    public void FFmpeg_messages_arrive_in_the_ffmpeg_category_at_the_levels_the_logger_enables()
    {
        using var factory = new RecordingLoggerFactory(LogLevel.Debug);

        using (MediaSource.Open("file:" + TestData.Clip("clip.mkv"), new MediaSourceOptions { LoggerFactory = factory }))
        {
        }

        var ffmpeg = factory.Entries.Where(e => e.Category == FfmpegLog.Category).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(ffmpeg, Is.Not.Empty);
            Assert.That(ffmpeg.Select(e => e.Level), Has.All.GreaterThanOrEqualTo(LogLevel.Debug));
            Assert.That(ffmpeg.Select(e => e.Message), Has.All.Match(@"^\[[\w ]+ @ 0x[0-9a-f]+\] "), "FFmpeg's own context prefix, added by av_log_format_line2");
        });
    }

    private sealed class RecordingLoggerFactory(LogLevel minimum) : ILoggerFactory
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

        public IReadOnlyCollection<(string Category, LogLevel Level, string Message)> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, minimum, _entries);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, LogLevel minimum, System.Collections.Concurrent.ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    entries.Enqueue((category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
