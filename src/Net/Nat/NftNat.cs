using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;
using OcciAgent.Net.Addressing;
using OcciAgent.Net.Links;

namespace OcciAgent.Net.Nat;

/// <summary>Masquerading of networks out through an uplink with nftables (issue #4 item 2, off by
/// default). The agent owns one table, <c>ip occi-agent</c>, and nothing else: every change
/// rebuilds that table from the wanted set in one <c>nft</c> transaction, so it never drifts and
/// never touches other tables. IPv4 forwarding is switched on when the first NAT rule appears.</summary>
public sealed class NftNat(string executable = "nft", string ipForwardPath = "/proc/sys/net/ipv4/ip_forward")
{
    public const string Table = "occi-agent";

    /// <summary>Makes the table hold exactly one masquerade rule per (subnet, uplink); an empty set
    /// removes the table.</summary>
    public async Task ApplyAsync(IReadOnlyCollection<(Ipv4Subnet Subnet, string Bridge, string Uplink)> wanted, CancellationToken ct)
    {
        foreach (var (_, bridge, uplink) in wanted)
            if (!LinkNames.ValidInterfaceName().IsMatch(bridge) || !LinkNames.ValidInterfaceName().IsMatch(uplink))
                throw new ArgumentException($"'{bridge}' or '{uplink}' is not a valid interface name");
        // Nothing wanted and no table of ours: nothing to do (no write to a host that never used NAT).
        if (wanted.Count == 0 && !(await RunAsync(["list", "tables"], null, ct).ConfigureAwait(false)).Contains($"table ip {Table}\n", StringComparison.Ordinal))
            return;
        // One transaction: "add" makes delete safe when the table does not exist yet.
        var script = new List<string> { $"add table ip {Table}", $"delete table ip {Table}" };
        if (wanted.Count > 0)
        {
            script.Add($"add table ip {Table}");
            script.Add($"add chain ip {Table} postrouting {{ type nat hook postrouting priority srcnat ; }}");
            script.Add($"add chain ip {Table} forward {{ type filter hook forward priority filter ; }}");
            foreach (var (subnet, bridge, uplink) in wanted.Distinct())
            {
                script.Add($"add rule ip {Table} postrouting ip saddr {subnet} oifname \"{uplink}\" masquerade");
                script.Add($"add rule ip {Table} forward iifname \"{bridge}\" oifname \"{uplink}\" accept");
                script.Add($"add rule ip {Table} forward iifname \"{uplink}\" oifname \"{bridge}\" ct state established,related accept");
            }
        }
        await RunAsync(["-f", "-"], string.Join('\n', script) + "\n", ct).ConfigureAwait(false);
        if (wanted.Count > 0 && File.Exists(ipForwardPath) && (await File.ReadAllTextAsync(ipForwardPath, ct).ConfigureAwait(false)).Trim() != "1")
        {
            try
            {
                await File.WriteAllTextAsync(ipForwardPath, "1\n", ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new NetException(NetErrorKind.Failed,
                    $"NAT rules are in place, but IPv4 forwarding could not be switched on ({e.Message}); set net.ipv4.ip_forward=1 with sysctl", e);
            }
        }
    }

    private async Task<string> RunAsync(string[] args, string? stdin, CancellationToken ct)
    {
        BufferedCommandResult r;
        try
        {
            var cmd = Cli.Wrap(executable).WithArguments(args).WithValidation(CommandResultValidation.None);
            if (stdin is not null) cmd = cmd.WithStandardInputPipe(PipeSource.FromString(stdin));
            r = await cmd.ExecuteBufferedAsync(ct).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            throw new NetException(NetErrorKind.ToolMissing, $"cannot run {executable} (install the Debian package nftables): {e.Message}", e);
        }
        if (r.ExitCode != 0)
            throw new NetException(NetErrorKind.Failed, $"nft {string.Join(' ', args)} failed: {r.StandardError.Trim()}");
        return r.StandardOutput;
    }
}
