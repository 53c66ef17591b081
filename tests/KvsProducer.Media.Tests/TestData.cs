namespace KvsProducer.Media.Tests;

/// <summary>Paths of the recorded clips (tests/data/media, copied next to the tests).</summary>
internal static class TestData
{
    public static string Clip(string name) => Path.Combine(AppContext.BaseDirectory, "media", name);
}
