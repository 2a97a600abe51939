namespace OcciAgent.Http;

/// <summary>Identity of this server. Server header per GFD.223 §5.2, §5.3: product/version, then
/// OCCI/1.2 (mandatory) and OCCI/1.1 (what 1.1 test suites look for, docs/conformance.md).</summary>
public sealed class AgentInfo(string version, int maxPageSize)
{
    public string Version { get; } = version;
    public string ServerHeader { get; } = $"occi-agent/{version} OCCI/1.2 OCCI/1.1";
    public int MaxPageSize { get; } = maxPageSize;
}
