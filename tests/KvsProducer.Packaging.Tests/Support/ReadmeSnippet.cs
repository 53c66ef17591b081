using System.Text.RegularExpressions;

namespace KvsProducer.Packaging.Tests.Support;

/// <summary>One ```csharp block of a README, as a user would paste it into a new console app's Program.cs.</summary>
internal sealed partial record ReadmeSnippet(string Readme, int Index, string Code)
{
    /// <summary>The READMEs users read first: the repository's and the three library packages' (shown on nuget.org).</summary>
    public static readonly string[] Readmes =
    [
        "README.md",
        "src/KvsProducer/README.md",
        "src/KvsProducer.Media/README.md",
        "src/KvsProducer.LocalEndpoint/README.md",
    ];

    public string Name => $"{Readme}#{Index}";

    public static IEnumerable<ReadmeSnippet> All() =>
        Readmes.SelectMany(readme => CSharpBlock().Matches(File.ReadAllText(Path.Combine(Repository.Root, readme)))
            .Select((match, index) => new ReadmeSnippet(readme, index, match.Groups[1].Value)));

    public override string ToString() => Name;

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
