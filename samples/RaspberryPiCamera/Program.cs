// A camera service: streams the Pi's camera to Kinesis Video Streams until systemd stops it.
// Settings: appsettings.json, overridden by environment variables (Kvs__Stream__Name=...,
// Camera__Source=..., Kvs__Producer__ServiceUrl=...) and the command line (--Camera:Source=...).
using KvsProducer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using RaspberryPiCamera;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddSystemd(); // Type=notify readiness and journald-friendly logs when run by systemd
builder.Services.AddKinesisVideoProducer(builder.Configuration.GetSection("Kvs:Producer"));
builder.Services.AddHostedService<CameraWorker>();

// Healthy while fragments are being persisted; systemd's watchdog (WatchdogSec in kvs-camera.service)
// is fed only while healthy, so a stream that silently stopped gets the service restarted.
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(new StreamHealth(TimeProvider.System, builder.Configuration.GetValue("Health:StaleAfter", TimeSpan.FromSeconds(30))));
builder.Services.AddHealthChecks().AddCheck<StreamHealth>("kvs-stream");
builder.Services.AddHostedService<SystemdWatchdog>();

// The producer's metrics (Meter "KvsProducer": frame rate, bitrate, buffer, ACK latency, drops) to an
// OpenTelemetry collector over OTLP, when one is configured with the standard variables
// (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_METRIC_EXPORT_INTERVAL ...).
if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(KinesisVideoProducer.MeterName).AddOtlpExporter());
}

// On SIGTERM the worker sends what is buffered and waits for the last acknowledgement: give it time
// (keep kvs-camera.service's TimeoutStopSec above this).
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
await builder.Build().RunAsync();
