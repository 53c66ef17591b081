using Microsoft.Extensions.Logging;

namespace KvsProducer.Media.Internal;

/// <summary>Source-generated log messages of <see cref="MediaSource"/>.</summary>
internal static partial class MediaLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Opened {Source}: {Codec} {Width}x{Height}, {Mode}")]
    public static partial void Opened(ILogger logger, string source, VideoCodec codec, int width, int height, string mode);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "{Source} failed ({Reason}): {Error}. Reconnecting in {Delay} (attempt {Attempt})")]
    public static partial void Reconnecting(ILogger logger, string source, MediaErrorReason reason, string error, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "{Source} reconnected ({Attempts} reconnect(s) so far); timestamps continue after {Continuation}")]
    public static partial void Reconnected(ILogger logger, string source, int attempts, TimeSpan continuation);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Opened {Source} audio: {Codec} {SampleRate} Hz, {Channels} channel(s), {Mode}")]
    public static partial void OpenedAudio(ILogger logger, string source, AudioCodec codec, int sampleRate, int channels, string mode);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Debug, Message = "{Source}: skipped an audio frame at {Time}, before the key frame that started the current fragment")]
    public static partial void AudioFrameSkipped(ILogger logger, string source, TimeSpan time);
}
