namespace KvsProducer.Tests;

/// <summary>
/// Locates the recorded clips in <c>tests/data</c> (see its README.md) without copying them into the
/// build output: walks up from the test directory to the folder that holds <c>KvsProducer.sln</c>.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<string> RepositoryRootPath = new(FindRepositoryRoot);

    /// <summary>The folder that holds KvsProducer.sln.</summary>
    public static string RepositoryRoot => RepositoryRootPath.Value;

    /// <summary>The <c>tests/data</c> folder.</summary>
    public static string DataDirectory => Path.Combine(RepositoryRoot, "tests", "data");

    /// <summary>The full path of <paramref name="name"/> (a file or folder) inside <c>tests/data</c>.</summary>
    public static string PathOf(string name) => Path.Combine(DataDirectory, name);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KvsProducer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No KvsProducer.sln above {TestContext.CurrentContext.TestDirectory}: run the tests from a checkout of the repository.");
    }
}
