using System.CommandLine;
using KvsProducer.Cli.Commands;

namespace KvsProducer.Cli;

/// <summary>The <c>kvs</c> command line.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => BuildRoot().Parse(args).InvokeAsync();

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("kvs — Amazon Kinesis Video Streams from the command line.")
        {
            PackageCommand.Create(),
        };
        return root;
    }
}
