namespace KvsProducer.Cli;

/// <summary>The exit codes of <c>kvs</c>, as documented in the README.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The work failed: bad input data, an I/O error, a service error. One line on stderr says why.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong (unknown option, bad value).</summary>
    public const int InvalidArguments = 2;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
