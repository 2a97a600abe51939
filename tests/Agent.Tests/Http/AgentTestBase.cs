namespace OcciAgent.Tests.Http;

/// <summary>Starts a fresh agent per test (xunit makes one class instance per test).</summary>
public abstract class AgentTestBase : IAsyncLifetime
{
    protected AgentServer Agent { get; private set; } = null!;

    public const string Infra = "http://schemas.ogf.org/occi/infrastructure#";
    public const string ComputeKind = $"Category: compute; scheme=\"{Infra}\"; class=\"kind\"";
    public const string StorageKind = $"Category: storage; scheme=\"{Infra}\"; class=\"kind\"";
    public const string NetworkKind = $"Category: network; scheme=\"{Infra}\"; class=\"kind\"";
    public const string StorageLinkKind = $"Category: storagelink; scheme=\"{Infra}\"; class=\"kind\"";
    public const string SmallTpl = "Category: small; scheme=\"http://node.test/occi/infrastructure/resource_tpl#\"; class=\"mixin\"";
    public const string MediumTpl = "Category: medium; scheme=\"http://node.test/occi/infrastructure/resource_tpl#\"; class=\"mixin\"";

    public virtual async Task InitializeAsync() => Agent = await StartAgentAsync();

    protected virtual Task<AgentServer> StartAgentAsync() => AgentServer.StartAsync(beforeStart: BeforeStart);

    protected virtual void BeforeStart(AgentServer server) { }

    /// <summary>Null when the agent failed to start: the test then reports that failure.</summary>
    public async Task DisposeAsync()
    {
        if (Agent is not null) await Agent.DisposeAsync();
    }

    protected static string Lines(params string[] lines) => string.Join("\r\n", lines) + "\r\n";

    /// <summary>POSTs a text/plain entity rendering and expects 201; returns the entity path.</summary>
    protected async Task<string> CreateAsync(string collection, params string[] lines)
    {
        var r = await Agent.SendAsync(HttpMethod.Post, collection, Lines(lines));
        var body = await r.BodyAsync();
        Assert.True(r.StatusCode == System.Net.HttpStatusCode.Created, $"expected 201, got {(int)r.StatusCode}: {body}");
        return r.LocationPath();
    }

    protected async Task<string> GetTextAsync(string path)
    {
        var r = await Agent.SendAsync(HttpMethod.Get, path);
        var body = await r.BodyAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path}: {(int)r.StatusCode} {body}");
        return body;
    }

    /// <summary>The value text of an X-OCCI-Attribute line in a text/plain rendering.</summary>
    protected static string? Attr(string rendering, string name)
    {
        foreach (var line in rendering.Split("\r\n"))
            if (line.StartsWith($"X-OCCI-Attribute: {name}=", StringComparison.Ordinal))
                return line[$"X-OCCI-Attribute: {name}=".Length..];
        return null;
    }

    /// <summary>A small qcow2 image registered as an os_tpl (with a sidecar title). The agent's
    /// directory watcher would find it after its debounce; the test rescans at once instead, so
    /// the next request sees it (the watcher itself: Storage/ImageWatcherTests).</summary>
    protected static void AddImage(AgentServer server, string name, string size = "64M", string? sidecarJson = null)
    {
        var dir = Path.Combine(server.StateDir, "images");
        Directory.CreateDirectory(dir);
        AgentServer.QemuImg("create", "-f", "qcow2", Path.Combine(dir, name + ".qcow2"), size);
        if (sidecarJson is not null) File.WriteAllText(Path.Combine(dir, name + ".json"), sidecarJson);
        server.RescanImages();
    }
}
