using System.Text;

namespace KvsProducer.Sources;

/// <summary>
/// Splits the command of an <c>exec:</c> source into a program and its arguments the way a POSIX shell
/// splits words — blanks separate, '...' and "..." quote, a backslash escapes the next character —
/// without running a shell (no expansion, no redirection), so an argument reaches the program as written.
/// </summary>
internal static class CommandLineArguments
{
    public static IReadOnlyList<string> Split(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < command.Length && command[i + 1] is '"' or '\\')
                {
                    word.Append(command[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is ' ' or '\t')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (c is '\'' or '"')
                {
                    quote = c;
                }
                else if (c == '\\' && i + 1 < command.Length)
                {
                    word.Append(command[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
        }

        if (quote != '\0')
        {
            throw new ArgumentException($"The command '{command}' has an unclosed {quote} quote: close it, or escape the quote with a backslash.");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
