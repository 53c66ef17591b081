using System.Diagnostics;

namespace KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

/// <summary>The official AWS CLI (Debian package awscli) pointed at the local endpoint.</summary>
internal static class AwsCli
{
    public static bool Installed => File.Exists("/usr/bin/aws");

    /// <summary>Runs <c>aws</c> with throwaway credentials and a fresh config; returns stdout, fails the test on a non-zero exit.</summary>
    public static async Task<string> RunAsync(Uri endpoint, params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/aws") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--endpoint-url");
        start.ArgumentList.Add(endpoint.ToString().TrimEnd('/'));
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDLOCALTEST";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "local-secret";
        start.Environment["AWS_DEFAULT_REGION"] = "us-west-2";
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_PAGER"] = "";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, () => "aws failed: " + stderr.Result);
        return await stdout;
    }
}
