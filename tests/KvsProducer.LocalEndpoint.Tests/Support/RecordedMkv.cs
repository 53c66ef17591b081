using System.CommandLine;
using System.Globalization;
using KvsProducer.Cli.Commands;

namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>
/// A KVS-style MKV made by <c>kvs package</c> from the recorded frames in tests/data/h264-640x480
/// (3 s at 25 fps, a key frame every second): what a producer would send in one PutMedia body.
/// </summary>
internal static class RecordedMkv
{
    public static string RepositoryRoot()
    {
        string directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "KvsProducer.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("Run the tests from a checkout (no KvsProducer.sln above the binaries).");
        }

        return directory;
    }

    /// <summary>Packages the clip with absolute timecodes starting now, into <paramref name="output"/>.</summary>
    public static async Task<string> PackageAsync(string output)
    {
        string frames = Path.Combine(RepositoryRoot(), "tests", "data", "h264-640x480");
        string start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture);
        var root = new RootCommand("kvs") { PackageCommand.Create() };
        TextWriter original = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            int code = await root.Parse(["package", "-s", $"frames:{frames}?fps=25", "-o", output, "--start-time", start]).InvokeAsync();
            if (code != 0)
            {
                throw new InvalidOperationException($"kvs package exited {code}.");
            }
        }
        finally
        {
            Console.SetOut(original);
        }

        return output;
    }
}
