using OcciAgent.Hypervisor.Vm;
using OcciAgent.Hypervisor.Volumes;
using OcciAgent.Net;
using OcciAgent.Occi.Rendering;
using OcciAgent.Store;

namespace OcciAgent.Http;

/// <summary>The one place where failures become HTTP status codes (GFD.223 §5.4, docs/conformance.md;
/// the Firecracker/Incus single-mapper habit). Null means "unexpected": 500, logged.</summary>
public static class ErrorMapping
{
    public static (int Status, string Message)? Map(Exception e) => e switch
    {
        AgentException a => (Status(a.Error), a.Message),
        OcciParseException p => (400, p.Message),
        OcciRenderException r => (400, r.Message),
        // Kestrel's own refusals while reading the request (body over its limit 413, a broken
        // chunked encoding 400): its status and words, which name the limit.
        Microsoft.AspNetCore.Http.BadHttpRequestException b => (b.StatusCode, b.Message),
        VolumeException { Kind: VolumeErrorKind.InvalidRequest } v => (400, v.Message),
        VolumeException { Kind: VolumeErrorKind.NotFound } v => (409, v.Message),
        VolumeException { Kind: VolumeErrorKind.ToolMissing } v => (503, v.Message),
        // VM operations: refused in this state 409, QEMU unusable 503, the guest too slow 504;
        // QEMU's own failures keep its words (500, logged as host failures, not as our bugs).
        VmException { Kind: VmErrorKind.Conflict } v => (409, v.Message),
        VmException { Kind: VmErrorKind.Unavailable } v => (503, v.Message),
        VmException { Kind: VmErrorKind.Timeout } v => (504, v.Message),
        VmException { Kind: VmErrorKind.Failed } v => (500, v.Message),
        // Host networking: a missing tool or service 503, a kernel without the feature 409, ip/nft failures 500.
        NetException { Kind: NetErrorKind.ToolMissing or NetErrorKind.Unavailable } n => (503, n.Message),
        NetException { Kind: NetErrorKind.Unsupported } n => (409, n.Message),
        NetException { Kind: NetErrorKind.Failed } n => (500, n.Message),
        _ => null,
    };

    public static int Status(AgentError e) => e switch
    {
        AgentError.Invalid => 400,
        AgentError.Forbidden => 403,
        AgentError.NotFound => 404,
        AgentError.MethodNotAllowed => 405,
        AgentError.NotAcceptable => 406,
        AgentError.Conflict => 409,
        AgentError.TooLarge => 413,
        AgentError.UnsupportedMediaType => 415,
        AgentError.NotImplemented => 501,
        AgentError.Unavailable => 503,
        _ => 500,
    };
}
