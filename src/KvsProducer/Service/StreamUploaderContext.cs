using KvsProducer.Auth;

namespace KvsProducer.Service;

/// <summary>What every stream's uploader shares within one producer.</summary>
internal sealed record StreamUploaderContext(
    ControlPlaneClient ControlPlane,
    ICredentialsProvider Credentials,
    SigV4Signer Signer,
    IPutMediaTransport Transport,
    RetryPolicy Reconnect,
    TimeProvider TimeProvider,
    string UserAgent)
{
    /// <summary>The clock correction learnt from the service, shared with the control plane.</summary>
    public ClockSkew ClockSkew => ControlPlane.ClockSkew;
}
