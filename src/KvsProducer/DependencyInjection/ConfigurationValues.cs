using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KvsProducer.DependencyInjection;

/// <summary>
/// Reads typed values from a configuration section by hand (no reflection, so AOT and trimming stay
/// clean), with an error naming the full key, the value and the accepted form for anything malformed.
/// </summary>
internal static class ConfigurationValues
{
    public static string? String(IConfiguration section, string key) =>
        section[key] is { Length: > 0 } value ? value : null;

    public static bool? Boolean(IConfiguration section, string key) => Parse(section, key, "true or false",
        static text => bool.TryParse(text, out var value) ? value : (bool?)null);

    public static long? Int64(IConfiguration section, string key) => Parse(section, key, "a whole number",
        static text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : (long?)null);

    public static Uri? AbsoluteUri(IConfiguration section, string key) => ParseReference(section, key, "an absolute URL such as http://127.0.0.1:4567",
        static text => Uri.TryCreate(text, UriKind.Absolute, out var value) ? value : null);

    public static TEnum? Enum<TEnum>(IConfiguration section, string key)
        where TEnum : struct, Enum => Parse(section, key, "one of " + string.Join(", ", System.Enum.GetNames<TEnum>()),
        static text => !char.IsAsciiDigit(text[0]) && text[0] != '-' && System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) ? value : (TEnum?)null);

    /// <summary>A duration as <c>hh:mm:ss</c> (the configuration binder's form) or a number with a unit: <c>500ms</c>, <c>2s</c>, <c>5m</c>, <c>2h</c>, <c>7d</c>.</summary>
    public static TimeSpan? Duration(IConfiguration section, string key) => Parse(section, key, "a duration such as 00:00:02, 500ms, 2s, 5m, 2h or 7d",
        static text => ParseDuration(text));

    /// <summary>Throws when the section has a key this reader does not know: a misspelt key would otherwise be ignored silently.</summary>
    public static void RejectUnknownKeys(IConfiguration section, IReadOnlyCollection<string> known, string what)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"Configuration key '{child.Path}' is not a {what} setting: use {string.Join(", ", known)}.");
            }
        }
    }

    internal static TimeSpan? ParseDuration(string text)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var exact) && text.Contains(':', StringComparison.Ordinal))
        {
            return exact;
        }

        var unitStart = 0;
        while (unitStart < text.Length && (char.IsAsciiDigit(text[unitStart]) || text[unitStart] == '.'))
        {
            unitStart++;
        }

        if (unitStart == 0 || !double.TryParse(text.AsSpan(0, unitStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        return text[unitStart..].Trim() switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" or "min" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => null,
        };
    }

    private static T? Parse<T>(IConfiguration section, string key, string expected, Func<string, T?> parse)
        where T : struct
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return parse(text.Trim()) ?? throw new InvalidOperationException(
            $"Configuration value '{text}' at '{PathOf(section, key)}' is invalid: use {expected}.");
    }

    private static Uri? ParseReference(IConfiguration section, string key, string expected, Func<string, Uri?> parse)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return parse(text.Trim()) ?? throw new InvalidOperationException(
            $"Configuration value '{text}' at '{PathOf(section, key)}' is invalid: use {expected}.");
    }

    private static string PathOf(IConfiguration section, string key) =>
        section is IConfigurationSection { Path.Length: > 0 } named ? ConfigurationPath.Combine(named.Path, key) : key;
}
