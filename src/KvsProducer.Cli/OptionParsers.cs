using System.Globalization;

namespace KvsProducer.Cli;

/// <summary>Parsing of the value forms the CLI accepts for durations and times, with messages that show valid forms.</summary>
internal static class OptionParsers
{
    /// <summary>"2s", "500ms", "100us", "100ns", "1.5m", "1h" or a plain number of seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var trimmed = text.Trim();
        (string suffix, double ticksPerUnit)[] units =
        [
            ("ns", 0.01), ("us", 10), ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond),
            ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
        ];
        foreach (var (suffix, ticksPerUnit) in units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(trimmed[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value >= 0 && !double.IsInfinity(value))
            {
                return TimeSpan.FromTicks((long)Math.Round(value * ticksPerUnit));
            }
        }

        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && !double.IsInfinity(seconds))
        {
            return TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }

        throw new FormatException($"'{text}' is not a duration: write e.g. 2s, 500ms, 100ns, 1.5m, or a number of seconds.");
    }

    /// <summary>Epoch seconds ("1795618345.43") or an ISO-8601 time ("2026-11-25T10:00:00Z"), as a time since the Unix epoch.</summary>
    public static TimeSpan ParseStartTime(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < 1e11)
        {
            return TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time >= DateTimeOffset.UnixEpoch)
        {
            return time - DateTimeOffset.UnixEpoch;
        }

        throw new FormatException($"'{text}' is not a start time: write epoch seconds (1795618345.43) or an ISO-8601 time (2026-11-25T10:00:00Z).");
    }
}
