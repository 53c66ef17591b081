using System.CommandLine;

namespace KvsProducer.Cli;

/// <summary>The <c>kvs</c> command line.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("kvs — Amazon Kinesis Video Streams from the command line.");
        return root.Parse(args).Invoke();
    }
}
