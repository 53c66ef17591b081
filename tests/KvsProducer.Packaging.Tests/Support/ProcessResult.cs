namespace KvsProducer.Packaging.Tests.Support;

/// <summary>What a finished child process left behind.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string Output, string Error)
{
    /// <summary>Everything a failed assertion needs to explain itself.</summary>
    public override string ToString() => $"`{CommandLine}` exited with {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}
