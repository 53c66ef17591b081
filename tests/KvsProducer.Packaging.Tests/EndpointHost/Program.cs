// A local endpoint in its own process for the README snippets (see ReadmeSnippetTests), built from
// the packed KvsProducer.LocalEndpoint like any user's program: prints its URL, serves until stdin closes.
using KvsProducer.LocalEndpoint;

await using var kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = args[0] });
Console.WriteLine($"url: {kvs.Url}");
await Console.In.ReadToEndAsync();
