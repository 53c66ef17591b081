namespace KvsProducer.Sources;

/// <summary>What a live pipe source does when its camera program ends or its FIFO writer goes away
/// (<c>restart=</c> on <c>exec:</c> and <c>fifo:</c> sources).</summary>
internal enum CameraRestartPolicy
{
    /// <summary><c>restart=never</c>: the end of the stream ends the source; a failed program is an error.</summary>
    Never,

    /// <summary><c>restart=on-failure</c> (exec: default): a program that exits non-zero is started again; exit code 0 ends the source.</summary>
    OnFailure,

    /// <summary><c>restart=always</c> (fifo: default): the program is started again / the FIFO reopened, whatever the reason.</summary>
    Always,
}
