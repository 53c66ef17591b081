namespace KvsProducer.Cli;

/// <summary>
/// Runs a command's work and turns every failure into one clear line on stderr and the README's exit
/// code (<see cref="CliFailure"/>); with <c>--debug</c> the full exception follows the line. A command
/// with a summary (<c>--json</c>) gets to print it on every path, failures and interruptions included.
/// </summary>
internal static class CliErrors
{
    private static Action? s_summaryOnForcedExit;

    /// <summary>
    /// A second Ctrl+C ends the process at once (<see cref="Program"/>): the running command's summary is
    /// printed first, so <c>--json</c> still gets its object on that path (issue 11).
    /// </summary>
    public static void SummarizeBeforeForcedExit() => Interlocked.Exchange(ref s_summaryOnForcedExit, null)?.Invoke();

    public static Task<int> RunAsync(string command, Func<Task> work) => RunAsync(command, work, CancellationToken.None, summarize: null);

    /// <summary>
    /// Runs <paramref name="work"/>; <paramref name="interrupted"/> is the Ctrl+C token (a cancellation
    /// without it is a timeout, exit 1); <paramref name="summarize"/> runs after the error line, whatever the outcome.
    /// </summary>
    public static async Task<int> RunAsync(string command, Func<Task> work, CancellationToken interrupted, Action<CliFailure>? summarize)
    {
        if (summarize is not null)
        {
            s_summaryOnForcedExit = () => summarize(new CliFailure(ExitCodes.Cancelled, "interrupted again; exited without waiting for the buffer.", null));
        }

        CliFailure outcome;
        try
        {
            await work().ConfigureAwait(false);
            outcome = interrupted.IsCancellationRequested ? CliFailure.Of(new OperationCanceledException(interrupted), interrupted: true) : CliFailure.Success;
        }
#pragma warning disable CA1031 // Every failure becomes one line and an exit code (README): none may escape as a stack trace.
        catch (Exception error)
#pragma warning restore CA1031
        {
            outcome = CliFailure.Of(error, interrupted.IsCancellationRequested || (error is OperationCanceledException && interrupted == CancellationToken.None));
        }

        if (summarize is not null && Interlocked.Exchange(ref s_summaryOnForcedExit, null) is null)
        {
            return outcome.ExitCode; // a forced exit is printing the summary and ending the process
        }

        TerminalLine.Finish();
        if (outcome.Line is { } line)
        {
            TerminalLine.Message($"kvs {command}: {line}");
            if (CliDebug.IsOn && outcome.Error is { } error && outcome.ExitCode != ExitCodes.Cancelled)
            {
                TerminalLine.Message(error.ToString());
            }
        }

        summarize?.Invoke(outcome);
        return outcome.ExitCode;
    }
}
