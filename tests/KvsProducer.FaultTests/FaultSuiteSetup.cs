[assembly: Parallelizable(ParallelScope.Children)]

// Every scenario sleeps through its faults in its own namespace: they run side by side, so the suite takes
// about as long as its longest scenario (the 150 s blackout), not the sum.
[assembly: LevelOfParallelism(24)]

namespace KvsProducer.FaultTests;

/// <summary>Writes the fault table once every scenario has run.</summary>
[SetUpFixture]
public sealed class FaultSuiteSetup
{
    [OneTimeTearDown]
    public void WriteFaultTable()
    {
        if (FaultTable.Write() is { } path)
        {
            TestContext.Progress.WriteLine($"Fault table: {path}");
            TestContext.Progress.WriteLine(File.ReadAllText(path));
        }
    }
}
