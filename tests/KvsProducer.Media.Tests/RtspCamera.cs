using System.Diagnostics;

namespace KvsProducer.Media.Tests;

/// <summary>
/// A real RTSP camera: GStreamer's RTSP server (rtsp/rtsp_camera.py, run with /usr/bin/python3 as
/// toolchain.md says) on a free loopback port. Killed and restarted by the tests, by process id.
/// </summary>
internal sealed class RtspCamera : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly string[] _credentials;
    private Process? _process;

    private RtspCamera(int port, string[] credentials)
    {
        Port = port;
        _credentials = credentials;
    }

    public int Port { get; }

    public string Url(string transport) => $"rtsp://127.0.0.1:{Port}/cam?transport={transport}";

    /// <summary>Skips the test, saying what to install, when GStreamer's RTSP server is absent.</summary>
    public static void SkipUnlessAvailable()
    {
        if (!File.Exists(Python))
        {
            Assert.Ignore($"{Python} is missing: the RTSP tests need Debian's python3 with python3-gi.");
        }

        using Process check = Process.Start(new ProcessStartInfo(Python, ["-c", "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"])
        {
            RedirectStandardError = true,
        })!;
        string errors = check.StandardError.ReadToEnd();
        check.WaitForExit();
        if (check.ExitCode != 0)
        {
            Assert.Ignore("GStreamer's RTSP server is not installed (apt-get install gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-ugly " +
                "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-base): " + errors.Trim());
        }
    }

    /// <summary>Starts a camera; with <paramref name="user"/> it asks for Basic credentials; with <paramref name="audio"/> (aac, pcma) it sends a tone too.</summary>
    public static RtspCamera Start(string? user = null, string? password = null, string? audio = null)
    {
        string[] arguments = [.. user is null ? [] : new[] { "--user", user, "--password", password ?? string.Empty }, .. audio is null ? [] : new[] { "--audio", audio }];
        var camera = new RtspCamera(SourceErrorTests.FreePort(), arguments);
        camera.Launch();
        return camera;
    }

    /// <summary>The camera "loses power": its process ends at once, connections drop.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>The camera comes back on the same port.</summary>
    public void Launch()
    {
        var start = new ProcessStartInfo(Python, [Path.Combine(AppContext.BaseDirectory, "rtsp", "rtsp_camera.py"), Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. _credentials])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        Task<string?> ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(15)) || ready.Result != "READY")
        {
            string errors = _process.HasExited ? _process.StandardError.ReadToEnd() : "no READY within 15 s";
            Kill();
            Assert.Fail($"The RTSP test camera did not start on port {Port}: {errors}");
        }
    }

    public void Dispose() => Kill();
}
