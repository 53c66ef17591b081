namespace KvsProducer.Packaging.Tests.Support;

/// <summary>
/// A new console app that knows KvsProducer only through the folder feed, as a user's would be: a
/// nuget.config naming the feed, the program, a project referencing the three library packages (and any
/// other package the program needs), restored and built in Release. ConsumerProjectTests and
/// ReadmeSnippetTests both start from it.
/// </summary>
internal static class FreshProject
{
    /// <summary>Creates and builds the project in <paramref name="directory"/>; returns the built program (its .dll).</summary>
    public static async Task<string> BuildAsync(string directory, string assemblyName, string programSource, IReadOnlyList<PackageReference> otherPackages, CancellationToken cancellationToken)
    {
        var feed = PackageFeed.Current;
        Directory.CreateDirectory(directory);
        feed.WriteNuGetConfig(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), programSource, cancellationToken);
        var others = string.Concat(otherPackages.Select(p => $"""

                <PackageReference Include="{p.Id}" Version="{p.Version}" />
            """));
        await File.WriteAllTextAsync(Path.Combine(directory, assemblyName + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <AssemblyName>{assemblyName}</AssemblyName>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="KvsProducer" Version="{feed.PackageVersion}" />
                <PackageReference Include="KvsProducer.Media" Version="{feed.PackageVersion}" />
                <PackageReference Include="KvsProducer.LocalEndpoint" Version="{feed.PackageVersion}" />{others}
              </ItemGroup>
            </Project>
            """, cancellationToken);
        var output = Path.Combine(directory, "out");
        await ProcessRunner.RunCheckedAsync("dotnet", ["build", "-c", "Release", "-o", output, "--disable-build-servers", "-nologo", "-v:q"], directory, cancellationToken);
        return Path.Combine(output, assemblyName + ".dll");
    }
}

