namespace KvsProducer.Cli;

/// <summary>
/// Status output on stderr: on a terminal, one line rewritten in place; when stderr is a file or a pipe,
/// plain lines with a timestamp (what logs and systemd expect). Messages always get their own line.
/// </summary>
internal static class TerminalLine
{
    private static readonly Lock Gate = new();
    private static bool s_statusShown;

    public static bool IsInteractive { get; } = !Console.IsErrorRedirected;

    public static void Status(string line)
    {
        lock (Gate)
        {
            if (IsInteractive)
            {
                // A line longer than the terminal wraps, and "\r" then rewrites only its last row: the
                // screen fills with copies. So the line is cut to the width, dropping whole fields.
                Console.Error.Write($"\r{Fit(line, Width())}\u001b[K");
                s_statusShown = true;
            }
            else
            {
                Console.Error.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} {line}");
            }
        }
    }

    /// <summary>
    /// <paramref name="line"/> in at most <paramref name="width"/> characters: trailing ", "-separated
    /// fields are dropped (the most important come first), then the rest is cut with "…".
    /// </summary>
    public static string Fit(string line, int width)
    {
        while (line.Length > width && line.LastIndexOf(", ", StringComparison.Ordinal) is var cut and > 0)
        {
            line = line[..cut];
        }

        return line.Length <= width ? line : string.Concat(line.AsSpan(0, Math.Max(0, width - 1)), "…");
    }

    /// <summary>Columns usable without wrapping: one less than the terminal's (the cursor's column).</summary>
    private static int Width()
    {
        try
        {
            return Console.WindowWidth is > 1 and var columns ? columns - 1 : 79;
        }
        catch (IOException)
        {
            return 79;
        }
    }

    public static void Message(string line)
    {
        lock (Gate)
        {
            if (s_statusShown)
            {
                Console.Error.Write("\r\u001b[K");
            }

            Console.Error.WriteLine(line);
        }
    }

    /// <summary>Ends the live line so the next output starts on a fresh line.</summary>
    public static void Finish()
    {
        lock (Gate)
        {
            if (s_statusShown)
            {
                Console.Error.WriteLine();
                s_statusShown = false;
            }
        }
    }
}
