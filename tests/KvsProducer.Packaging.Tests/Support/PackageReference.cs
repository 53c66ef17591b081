namespace KvsProducer.Packaging.Tests.Support;

/// <summary>A NuGet package a fresh project references besides KvsProducer's.</summary>
internal sealed record PackageReference(string Id, string Version);
