namespace KvsProducer.Cli;

/// <summary>
/// When a <c>kvs stream</c> / <c>kvs upload</c> run gives up: the stream not started (control plane answered,
/// stream active) within <paramref name="StartTimeout"/> (<c>--start-timeout</c>); the drain at the end without
/// progress for <paramref name="NoProgressTimeout"/> (<c>--stop-timeout</c>), or after <paramref name="Deadline"/>
/// in all (<c>--deadline</c>; null = never).
/// </summary>
internal sealed record StreamLimits(TimeSpan StartTimeout, TimeSpan? NoProgressTimeout, TimeSpan? Deadline);
