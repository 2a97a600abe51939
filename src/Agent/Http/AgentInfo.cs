namespace OcciAgent.Http;

/// <summary>Identity of this server. Server header per digest §3.2 [REC]: product/version, then
/// OCCI/1.2 (mandatory) and OCCI/1.1 (what 1.1 test suites look for, S129).</summary>
public sealed class AgentInfo(string version, int maxPageSize)
{
    public string Version { get; } = version;
    public string ServerHeader { get; } = $"occi-agent/{version} OCCI/1.2 OCCI/1.1";
    public int MaxPageSize { get; } = maxPageSize;
}
