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

            return ExitCodes.InvalidArguments;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("kvs — Amazon Kinesis Video Streams from the command line.")
        {
            PackageCommand.Create(),
            StreamCommand.Create(upload: false),
            StreamCommand.Create(upload: true),
            DemoCommand.Create(),
            LocalCommand.Create(),
            FragmentsCommand.Create(),
            GetMediaCommand.Create(),
        };
        return root;
    }
}
