using System.CommandLine;

namespace KvsProducer.Cli;

/// <summary>"did you mean --bitrate?" for a mistyped option: the nearest option name of the command by edit distance.</summary>
internal static class OptionSuggestion
{
    /// <summary>The closest option name to <paramref name="token"/> within two edits, or null.</summary>
    public static string? For(string token, ParseResult parsed)
    {
        if (!token.StartsWith('-'))
        {
            return null;
        }

        var names = new List<string>();
        for (var command = parsed.CommandResult.Command; command is not null; command = command.Parents.OfType<Command>().FirstOrDefault())
        {
            foreach (var option in command.Options)
            {
                names.Add(option.Name);
                names.AddRange(option.Aliases);
            }
        }

        return names
            .Select(name => (name, distance: Distance(token, name)))
            .Where(c => c.distance <= 2)
            .OrderBy(c => c.distance)
            .Select(c => c.name)
            .FirstOrDefault();
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
