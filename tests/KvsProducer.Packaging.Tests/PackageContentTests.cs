using System.IO.Compression;
using System.Xml.Linq;
using KvsProducer.Packaging.Tests.Support;

namespace KvsProducer.Packaging.Tests;

/// <summary>What is inside the .nupkg files: what NuGet.org shows and what a restore lays out.</summary>
public sealed class PackageContentTests
{
    private const ushort ElfMachineX64 = 0x3E;
    private const ushort ElfMachineAarch64 = 0xB7;

    [TestCase("KvsProducer")]
    [TestCase("KvsProducer.Media")]
    [TestCase("KvsProducer.LocalEndpoint")]
    public void Library_package_carries_assembly_xml_docs_readme_license_and_repository_commit(string id)
    {
        using var package = ZipFile.OpenRead(PackageFeed.Current.PackagePath(id));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Does.Contain($"lib/net10.0/{id}.dll").And.Contain($"lib/net10.0/{id}.xml").And.Contain("README.md"));

        var metadata = Nuspec(package, id);
        Assert.Multiple(() =>
        {
            Assert.That(Element(metadata, "version"), Is.EqualTo(PackageFeed.Current.PackageVersion));
            Assert.That(Element(metadata, "license"), Is.EqualTo("Apache-2.0"));
            Assert.That(Element(metadata, "readme"), Is.EqualTo("README.md"));
            Assert.That(Element(metadata, "description"), Is.Not.Empty);
            // Source Link: the commit the package was built from, even in a clone with no remote.
            Assert.That(metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("commit")?.Value, Does.Match("^[0-9a-f]{40}$"));
        });
    }

    [TestCase("KvsProducer")]
    [TestCase("KvsProducer.Media")]
    [TestCase("KvsProducer.LocalEndpoint")]
    [TestCase("KvsProducer.Cli")]
    public void Symbols_package_carries_the_portable_pdb(string id)
    {
        using var symbols = ZipFile.OpenRead(PackageFeed.Current.PackagePath(id, "snupkg"));
        var pdb = id == "KvsProducer.Cli" ? "tools/net10.0/any/kvs.pdb" : $"lib/net10.0/{id}.pdb";
        Assert.That(symbols.Entries.Select(e => e.FullName), Does.Contain(pdb));
    }

    [TestCase("KvsProducer.Media", "", "linux-x64", "libkvsmedia.so", ElfMachineX64)]
    [TestCase("KvsProducer.Media", "", "linux-arm64", "libkvsmedia.so", ElfMachineAarch64)]
    [TestCase("KvsProducer.Media", "", "linux-x64", "libkvsmedia-ffmpeg7.so", ElfMachineX64)]
    [TestCase("KvsProducer.Media", "", "linux-arm64", "libkvsmedia-ffmpeg7.so", ElfMachineAarch64)]
    [TestCase("KvsProducer.Cli", "tools/net10.0/any/", "linux-x64", "libkvsmedia.so", ElfMachineX64)]
    [TestCase("KvsProducer.Cli", "tools/net10.0/any/", "linux-arm64", "libkvsmedia.so", ElfMachineAarch64)]
    [TestCase("KvsProducer.Cli", "tools/net10.0/any/", "linux-x64", "libkvsmedia-ffmpeg7.so", ElfMachineX64)]
    [TestCase("KvsProducer.Cli", "tools/net10.0/any/", "linux-arm64", "libkvsmedia-ffmpeg7.so", ElfMachineAarch64)]
    public void Packages_carry_each_FFmpeg_build_of_the_native_library_for_each_runtime(string id, string root, string rid, string file, ushort machine)
    {
        using var package = ZipFile.OpenRead(PackageFeed.Current.PackagePath(id));
        var library = package.GetEntry($"{root}runtimes/{rid}/native/{file}");
        Assert.That(library, Is.Not.Null, $"{root}runtimes/{rid}/native/{file} is missing from {id} (libkvsmedia-ffmpeg7.so: ./build.sh --target=Native-Ffmpeg7 first).");

        // ELF header: magic, then e_machine (little-endian) at offset 18.
        using var stream = library!.Open();
        var header = new byte[20];
        stream.ReadExactly(header);
        Assert.That(header[..4], Is.EqualTo("\u007fELF"u8.ToArray()));
        Assert.That(BitConverter.ToUInt16(header, 18), Is.EqualTo(machine), $"the {rid} library is built for another machine");
    }

    [TestCase("KvsProducer.Media", "", "linux-x64", "libkvsmedia.so", "libavformat.so.59")]
    [TestCase("KvsProducer.Media", "", "linux-arm64", "libkvsmedia.so", "libavformat.so.59")]
    [TestCase("KvsProducer.Media", "", "linux-x64", "libkvsmedia-ffmpeg7.so", "libavformat.so.61")]
    [TestCase("KvsProducer.Media", "", "linux-arm64", "libkvsmedia-ffmpeg7.so", "libavformat.so.61")]
    public async Task Each_packed_build_needs_the_libavformat_soname_its_name_promises(string id, string root, string rid, string file, string soname)
    {
        using var package = ZipFile.OpenRead(PackageFeed.Current.PackagePath(id));
        var library = package.GetEntry($"{root}runtimes/{rid}/native/{file}");
        Assert.That(library, Is.Not.Null, $"{root}runtimes/{rid}/native/{file} is missing from {id}.");
        var extracted = Path.Combine(PackageFeed.Current.WorkDirectory, $"needed-{rid}-{file}");
        library!.ExtractToFile(extracted, overwrite: true);

        // readelf (binutils), not our code, reads the DT_NEEDED entries.
        var dynamicSection = await ProcessRunner.RunCheckedAsync("readelf", ["-d", extracted], PackageFeed.Current.WorkDirectory, CancellationToken.None);
        Assert.That(dynamicSection.Output, Does.Contain($"Shared library: [{soname}]"));
    }

    [Test]
    public void Media_package_depends_on_the_core_package_of_the_same_version()
    {
        using var package = ZipFile.OpenRead(PackageFeed.Current.PackagePath("KvsProducer.Media"));
        var dependency = Nuspec(package, "KvsProducer.Media").Descendants().Single(e => e.Name.LocalName == "dependency" && e.Attribute("id")?.Value == "KvsProducer");
        Assert.That(dependency.Attribute("version")?.Value, Is.EqualTo(PackageFeed.Current.PackageVersion));
    }

    [Test]
    public void Tool_package_has_the_dotnet_tool_layout_for_the_kvs_command()
    {
        using var package = ZipFile.OpenRead(PackageFeed.Current.PackagePath("KvsProducer.Cli"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Does.Contain("tools/net10.0/any/DotnetToolSettings.xml")
            .And.Contain("tools/net10.0/any/kvs.dll")
            .And.Contain("tools/net10.0/any/kvs.runtimeconfig.json")
            .And.Contain("tools/net10.0/any/KvsProducer.dll")
            .And.Contain("tools/net10.0/any/KvsProducer.Media.dll")
            .And.Contain("tools/net10.0/any/KvsProducer.LocalEndpoint.dll")
            .And.Contain("tools/net10.0/any/libkvsmedia.so")
            .And.Contain("README.md"));

        using var settings = package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open();
        var command = XDocument.Load(settings).Descendants("Command").Single();
        var metadata = Nuspec(package, "KvsProducer.Cli");
        Assert.Multiple(() =>
        {
            Assert.That(command.Attribute("Name")?.Value, Is.EqualTo("kvs"));
            Assert.That(command.Attribute("EntryPoint")?.Value, Is.EqualTo("kvs.dll"));
            Assert.That(metadata.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name")?.Value, Is.EqualTo("DotnetTool"));
            Assert.That(Element(metadata, "license"), Is.EqualTo("Apache-2.0"));
            Assert.That(Element(metadata, "readme"), Is.EqualTo("README.md"));
        });
    }

    private static XElement Nuspec(ZipArchive package, string id)
    {
        using var nuspec = package.GetEntry(id + ".nuspec")!.Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Element(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
}
