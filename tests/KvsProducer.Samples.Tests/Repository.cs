namespace KvsProducer.Samples.Tests;

/// <summary>The checkout the tests run from, and its tests/data files.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Data(string name) => Path.Combine(Root, "tests", "data", name);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KvsProducer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No checkout (KvsProducer.sln) above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
