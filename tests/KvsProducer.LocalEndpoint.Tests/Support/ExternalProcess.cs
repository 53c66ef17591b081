using System.Diagnostics;
using System.Text;

namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>Runs a program we did not write (curl, awscli, python, node) and collects what it printed.</summary>
internal sealed record ExternalProcess(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<ExternalProcess> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null, string? workingDirectory = null, string? stdinFile = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {program}.");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdinFile is not null)
        {
            // Streamed in pieces, as a producer sends frames, rather than as one write.
            await using FileStream input = File.OpenRead(stdinFile);
            byte[] piece = new byte[16 * 1024];
            int read;
            while ((read = await input.ReadAsync(piece)) > 0)
            {
                await process.StandardInput.BaseStream.WriteAsync(piece.AsMemory(0, read));
                await process.StandardInput.BaseStream.FlushAsync();
                await Task.Delay(5);
            }

            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {timeout.TotalSeconds} s. stderr: {stderr}");
        }

        process.WaitForExit();
        return new ExternalProcess(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
