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
        catch (Exception error) when (error is FormatException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"kvs {command}: {MessageOf(error)}").ConfigureAwait(false);
            return ExitCodes.InvalidArguments;
        }
        catch (Exception error) when (error is KvsProducerException or Auth.CredentialsException or HttpRequestException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"kvs {command}: {error.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    /// <summary>The message without .NET's " (Parameter 'X')" suffix: the message already names the option.</summary>
    private static string MessageOf(Exception error) =>
        error is ArgumentException { ParamName: { } name } ? error.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : error.Message;
}
