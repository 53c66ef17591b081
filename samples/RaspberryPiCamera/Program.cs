// A camera service: streams the Pi's camera to Kinesis Video Streams until systemd stops it.
// Settings: appsettings.json, overridden by environment variables (Kvs__Stream__Name=...,
// Camera__Source=..., Kvs__Producer__ServiceUrl=...) and the command line (--Camera:Source=...).
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RaspberryPiCamera;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddSystemd(); // Type=notify readiness and journald-friendly logs when run by systemd
builder.Services.AddKinesisVideoProducer(builder.Configuration.GetSection("Kvs:Producer"));
builder.Services.AddHostedService<CameraWorker>();

// On SIGTERM the worker sends what is buffered and waits for the last acknowledgement: give it time
// (keep kvs-camera.service's TimeoutStopSec above this).
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
await builder.Build().RunAsync();
