using System.CommandLine;
using KvsProducer.Cli.Commands;

namespace KvsProducer.Cli;

/// <summary>The <c>kvs</c> command line.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var parsed = BuildRoot().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // README: exit code 2 for a wrong command line (System.CommandLine's own default is 1).
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"kvs: {error.Message} (see 'kvs --help')").ConfigureAwait(false);
            }

            foreach (var token in parsed.UnmatchedTokens)
            {
                if (OptionSuggestion.For(token, parsed) is { } suggestion)
                {
                    await Console.Error.WriteLineAsync($"kvs: '{token}': did you mean {suggestion}?").ConfigureAwait(false);
                }
            }

            return ExitCodes.InvalidArguments;
        }

        // A second Ctrl+C ends the process at once, without waiting for the drain (README: exit 130).
        var interrupts = 0;
        Console.CancelKeyPress += (_, _) =>
        {
            if (Interlocked.Increment(ref interrupts) >= 2)
            {
                TerminalLine.Message("kvs: interrupted again; exiting without waiting for the buffer.");
                Environment.Exit(ExitCodes.Cancelled);
            }
        };

        // Ctrl+C / SIGTERM cancel the command's token; kvs stream then drains its buffer (up to
        // --stop-timeout), so the process is given longer than System.CommandLine's default 2 s.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) }).ConfigureAwait(false);
    }

    public static RootCommand BuildRoot()
    {
        // One set of connection options on the root, seen by every verb that talks to an endpoint.
        var connection = new ProducerConnection();
        var root = new RootCommand("kvs — Amazon Kinesis Video Streams from the command line.")
        {
            PackageCommand.Create(),
            StreamCommand.Create(upload: false, connection),
            StreamCommand.Create(upload: true, connection),
            DemoCommand.Create(),
            LocalCommand.Create(),
            FragmentsCommand.Create(connection),
            GetMediaCommand.Create(connection),
        };
        connection.AddTo(root);
        return root;
    }
}
