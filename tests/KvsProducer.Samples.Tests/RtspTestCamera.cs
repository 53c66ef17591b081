using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KvsProducer.Samples.Tests;

/// <summary>
/// A live H.264 RTSP camera: the media tests' GStreamer server (rtsp/rtsp_camera.py, run with
/// /usr/bin/python3 as toolchain.md says) on a free loopback port; killed and relaunched by process id.
/// </summary>
internal sealed class RtspTestCamera : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private Process? _process;

    private RtspTestCamera(int port) => Port = port;

    public int Port { get; }

    public string Url => $"rtsp://127.0.0.1:{Port}/cam?transport=tcp";

    /// <summary>Skips the test, saying what to install, when GStreamer's RTSP server is absent.</summary>
    public static void SkipUnlessAvailable()
    {
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"])
        {
            RedirectStandardError = true,
        })!;
        var errors = check.StandardError.ReadToEnd();
        check.WaitForExit();
        if (check.ExitCode != 0)
        {
            Assert.Ignore("GStreamer's RTSP server is not installed (toolchain.md, RTSP for tests): " + errors.Trim());
        }
    }

    public static RtspTestCamera Start()
    {
        var camera = new RtspTestCamera(FreePort());
        camera.Launch();
        return camera;
    }

    /// <summary>The camera "loses power": its process ends at once and its connections drop.</summary>
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

    /// <summary>Starts (or restarts) the camera on its port and waits for its READY line.</summary>
    public void Launch()
    {
        _process = Process.Start(new ProcessStartInfo(Python, [Path.Combine(AppContext.BaseDirectory, "rtsp", "rtsp_camera.py"), Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(15)) || ready.Result != "READY")
        {
            var errors = _process.HasExited ? _process.StandardError.ReadToEnd() : "no READY within 15 s";
            Kill();
            Assert.Fail($"The RTSP test camera did not start on port {Port}: {errors}");
        }
    }

    public void Dispose() => Kill();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
