using System.ComponentModel;
using System.Diagnostics;

namespace KvsProducer.Sources;

/// <summary>
/// A camera program (rpicam-vid, libcamera-vid, or a stand-in) writing H.264 to its standard output.
/// Its standard error is kept (the last lines) to explain a failure; disposing kills it.
/// </summary>
internal sealed class CameraProcess : IAsyncDisposable
{
    private const int KeptErrorLines = 20;

    private readonly Process _process;
    private readonly Queue<string> _errorLines = new();
    private readonly Task _errorPump;
    private int _disposed;

    private CameraProcess(Process process)
    {
        _process = process;
        _errorPump = PumpErrorsAsync(process.StandardError);
    }

    /// <summary>The program's standard output: the H.264 stream.</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Starts <paramref name="command"/> (program and arguments, already split).</summary>
    public static CameraProcess Start(IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo(command[0], command.Skip(1))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        try
        {
            return new CameraProcess(Process.Start(start) ?? throw new IOException($"'{command[0]}' did not start."));
        }
        catch (Win32Exception e)
        {
            throw new IOException(
                $"exec: source cannot start '{command[0]}': {e.Message}. Install it (Raspberry Pi OS: sudo apt install rpicam-apps) or give its full path.", e);
        }
    }

    /// <summary>Waits for the program to end after its output closed; its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await _errorPump.ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>The last lines the program wrote to standard error, or a note that it wrote none.</summary>
    public string RecentErrors
    {
        get
        {
            lock (_errorLines)
            {
                return _errorLines.Count == 0 ? "(nothing on standard error)" : string.Join('\n', _errorLines);
            }
        }
    }

    private async Task PumpErrorsAsync(StreamReader errors)
    {
        while (await errors.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_errorLines)
            {
                _errorLines.Enqueue(line);
                if (_errorLines.Count > KeptErrorLines)
                {
                    _errorLines.Dequeue();
                }
            }
        }
    }

    /// <summary>Kills the program (and anything it started) if it still runs; its output then ends.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has ended already, or was disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Kill();
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await _errorPump.ConfigureAwait(false);
        _process.Dispose();
    }
}
