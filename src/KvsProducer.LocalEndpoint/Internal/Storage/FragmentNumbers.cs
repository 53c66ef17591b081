using System.Globalization;

namespace KvsProducer.LocalEndpoint.Internal.Storage;

/// <summary>
/// Issues fragment numbers: 47-digit decimal strings like the service's,
/// strictly increasing across all streams and across restarts. The value is server time in ms
/// times 10^6 plus a sequence, never below the last number issued, so equal-length strings compare
/// the same as numbers.
/// </summary>
internal sealed class FragmentNumbers
{
    // Captured numbers start with these digits; keep the look.
    private const string Prefix = "91343852333";
    private const int ValueDigits = 36;
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private ulong _last;

    public FragmentNumbers(TimeProvider time, IEnumerable<string?> issued)
    {
        _time = time;
        foreach (string? number in issued)
        {
            if (TryParse(number, out ulong value) && value > _last)
            {
                _last = value;
            }
        }
    }

    public string Next()
    {
        ulong candidate = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000UL;
        lock (_gate)
        {
            _last = Math.Max(_last + 1, candidate);
            return Prefix + _last.ToString("D" + ValueDigits, CultureInfo.InvariantCulture);
        }
    }

    public static bool TryParse(string? number, out ulong value)
    {
        value = 0;
        return number is { Length: 47 } && number.StartsWith(Prefix, StringComparison.Ordinal)
            && ulong.TryParse(number.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
