using System.Net.Sockets;
using System.Security.Authentication;
using KvsProducer.Auth;
using KvsProducer.Media;

namespace KvsProducer.Cli;

/// <summary>
/// How a command ended, as the README documents it: an exit code and, for a failure, the one line on
/// stderr that says what was wrong and what to do (issue 11: no stack trace unless <c>--debug</c>).
/// </summary>
internal sealed record CliFailure(int ExitCode, string? Line, Exception? Error)
{
    public static CliFailure Success { get; } = new(ExitCodes.Success, null, null);

    public bool Succeeded => ExitCode == ExitCodes.Success;

    /// <summary>
    /// The exit code and line for <paramref name="error"/>; <paramref name="interrupted"/> tells a Ctrl+C
    /// (exit 130) from a timeout that surfaced as a cancellation (exit 1).
    /// </summary>
    public static CliFailure Of(Exception error, bool interrupted)
    {
        var cause = Unwrap(error);
        return cause switch
        {
            OperationCanceledException when interrupted => new(ExitCodes.Cancelled, "interrupted.", cause),
            OperationCanceledException => new(ExitCodes.Failure, $"timed out ({OneLine(cause.Message)}).", cause),

            // README: 2 = the command line is wrong. A source URI is part of the command line (issue 11).
            MediaSourceException { Reason: MediaErrorReason.InvalidUri } => new(ExitCodes.InvalidArguments, OneLine(cause.Message), cause),
            FormatException or ArgumentException => new(ExitCodes.InvalidArguments, OneLine(WithoutParameterSuffix(cause)), cause),

            CredentialsException => new(ExitCodes.Failure, CredentialsLine(cause.Message), cause),
            AuthenticationException => new(ExitCodes.Failure, $"TLS handshake failed: {OneLine(cause.Message)} (a self-signed or private CA: give --ca-bundle PEM, or set AWS_CA_BUNDLE).", cause),
            SocketException socket => new(ExitCodes.Failure, $"network error: {OneLine(socket.Message)} (check --endpoint-url and the network).", cause),
            TimeoutException or KvsProducerException or HttpRequestException or InvalidDataException or IOException or UnauthorizedAccessException
                => new(ExitCodes.Failure, OneLine(cause.Message), cause),

            // Not one of the failures we expect: still one line (the stack trace is for --debug), but say it is ours.
            _ => new(ExitCodes.Failure, $"unexpected {cause.GetType().Name}: {OneLine(cause.Message)} (run with --debug for details, and please report it).", cause),
        };
    }

    /// <summary>The first of several errors that ended a task, the one that explains the rest.</summary>
    private static Exception Unwrap(Exception error) => error is AggregateException { InnerExceptions.Count: > 0 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : error;

    /// <summary>A message on one line: its first non-empty line, trimmed.</summary>
    internal static string OneLine(string message)
    {
        var first = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        return first.TrimEnd(':', ' ');
    }

    /// <summary>
    /// AWSSDK.Core appends its providers' errors ("Failed to resolve AWS credentials. … Exception 1 of 4 …")
    /// over many lines: the line keeps our sentence and says what to do.
    /// </summary>
    private static string CredentialsLine(string message)
    {
        var line = OneLine(message);
        var sdkDetail = line.IndexOf(": Failed to resolve AWS credentials", StringComparison.Ordinal);
        if (sdkDetail > 0)
        {
            line = line[..sdkDetail] + ": give --access-key/--secret-key or --profile, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
        }

        return line.EndsWith('.') ? line : line + ".";
    }

    /// <summary>The message without .NET's " (Parameter 'X')" suffix: the message already names the option.</summary>
    private static string WithoutParameterSuffix(Exception error) =>
        error is ArgumentException { ParamName: { } name } ? error.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : error.Message;
}
