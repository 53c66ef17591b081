// N IP cameras → N Kinesis video streams, through one producer (one buffer budget, one connection pool).
// The cameras are listed in appsettings.json under "Cameras"; each entry is a stream definition
// (Name, FragmentDuration, CreateIfMissing, ...) plus the camera's "Source" RTSP URI. Override from the
// environment (Cameras__0__Source=rtsp://...) or the command line (--Cameras:0:Source=rtsp://...).
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RtspCameras;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddSystemd();
builder.Services.AddKinesisVideoProducer(builder.Configuration.GetSection("Kvs:Producer"));
builder.Services.AddHostedService<CamerasWorker>();
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30)); // time to drain every stream
await builder.Build().RunAsync();
