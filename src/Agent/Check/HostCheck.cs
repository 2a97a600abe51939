using OcciAgent.Config;

namespace OcciAgent.Check;

/// <summary><c>occi-agent check</c>: everything a user needs to know about this host before
/// filing a bug, one line per finding. Exit 0 only when VMs can run here (QEMU and qemu-img
/// work, the accelerator is usable, the state dir is writable); missing networking, dnsmasq,
/// systemd or D-Bus only warn. It changes nothing on the host except one scratch file in the
/// state dir, removed at once, and it never takes the state dir's lock.</summary>
public static class HostCheck
{
    public static async Task<int> RunAsync(AgentOptions options, string? configFile, TextWriter output, CancellationToken ct)
    {
        output.WriteLine($"occi-agent {AgentHost.Version} check: config {configFile ?? "(none)"}, state dir {Path.GetFullPath(options.StateDir)}");
        output.WriteLine("(read-only except a scratch file in the state dir, removed at once)");
        var findings = new List<Finding>();
        async Task Section(Task<IReadOnlyList<Finding>> work)
        {
            foreach (var f in await work.ConfigureAwait(false))
            {
                findings.Add(f);
                output.WriteLine(f.ToString());
            }
        }
        await Section(QemuChecks.RunAsync(options, ct)).ConfigureAwait(false);
        await Section(Task.FromResult(StateDirChecks.Run(options))).ConfigureAwait(false);
        await Section(Task.FromResult(ListenerChecks.Run(options))).ConfigureAwait(false);
        await Section(NetChecks.RunAsync(options, ct)).ConfigureAwait(false);
        await Section(ServiceChecks.RunAsync(options, ct)).ConfigureAwait(false);

        var failed = findings.Where(f => f.Severity == Severity.Fail).ToList();
        var warnings = findings.Count(f => f.Severity == Severity.Warn);
        output.WriteLine(failed.Count == 0
            ? $"result: VMs can run here ({warnings} warning{(warnings == 1 ? "" : "s")})"
            : $"result: VMs cannot run here: {string.Join("; ", failed.Select(f => f.What))}");
        return failed.Count == 0 ? 0 : 1;
    }
}
