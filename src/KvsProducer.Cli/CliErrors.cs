namespace KvsProducer.Cli;

/// <summary>
/// Runs a command's work and turns every expected failure into one clear line on stderr and an exit
/// code (README: exit codes). Unexpected exceptions keep their stack trace: they are our bugs.
/// </summary>
internal static class CliErrors
{
    public static async Task<int> RunAsync(string command, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"kvs {command}: cancelled.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (FormatException error)
        {
            await Console.Error.WriteLineAsync($"kvs {command}: {error.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidArguments;
        }
        catch (Exception error) when (error is KvsProducerException or ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"kvs {command}: {error.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
