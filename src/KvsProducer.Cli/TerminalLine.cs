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
                Console.Error.Write($"\r{line}\u001b[K");
                s_statusShown = true;
            }
            else
            {
                Console.Error.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} {line}");
            }
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
