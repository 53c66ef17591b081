namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>
/// Entry point of this test assembly when run as a process (<c>dotnet exec …Tests.dll serve DIR</c>):
/// a bare endpoint the kill -9 test can kill. Prints its URL, then serves until killed.
/// </summary>
internal static class EndpointHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "serve")
        {
            await Console.Error.WriteLineAsync("usage: serve <data-dir>");
            return 2;
        }

        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = args[1] });
        Console.WriteLine(kvs.Url);
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
