using BenchmarkDotNet.Running;

namespace KvsProducer.Benchmarks;

/// <summary>Runs the benchmarks named on the command line (BenchmarkDotNet switcher syntax).</summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
