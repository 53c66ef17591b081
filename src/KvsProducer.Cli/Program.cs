using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using KvsProducer.Cli.Commands;

namespace KvsProducer.Cli;

/// <summary>The <c>kvs</c> command line.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        LocalEndpointHost.InstallAssemblyResolver(); // kvs names Microsoft.NETCore.App only: see LocalEndpointHost
        var parsed = BuildRoot().Parse(args);
        if (parsed.Tokens.Any(t => t.Type == TokenType.Option && t.Value == "--debug"))
        {
            CliDebug.TurnOn();
        }

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

        // Ctrl+C / SIGTERM cancel the command's token; kvs stream then drains its buffer (up to
        // --stop-timeout). A second Ctrl+C ends the process at once (README: exit 130). Handled here,
        // not by System.CommandLine (ProcessTerminationTimeout = null): its handler holds process exit
        // until the command returns, so a second Ctrl+C could not end the drain.
        using var interrupted = new CancellationTokenSource();
        var interrupts = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (context.Signal == PosixSignal.SIGINT && Interlocked.Increment(ref interrupts) >= 2)
            {
                TerminalLine.Message("kvs: interrupted again; exiting without waiting for the buffer.");
                CliErrors.SummarizeBeforeForcedExit();
                Environment.Exit(ExitCodes.Cancelled);
            }

            interrupted.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupted.Token).ConfigureAwait(false);
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
