using OcciAgent.Net.Addressing;
using OcciAgent.Net.Links;

namespace OcciAgent.Net.Nat;

/// <summary>Masquerading of networks out through an uplink with nftables (off by
/// default). The agent owns one table, <c>ip occi-agent</c>, and nothing else: every change
/// rebuilds that table from the wanted set in one <c>nft</c> transaction, so it never drifts and
/// never touches other tables. The script goes to nft on stdin and holds only parsed addresses
/// and checked interface names. IPv4 forwarding is switched on when the first rule appears.</summary>
public sealed class NftNat(HostTool nft, string ipForwardPath = "/proc/sys/net/ipv4/ip_forward")
{
    public const string Table = "occi-agent";

    /// <summary>Whether our table exists, once known: a host that never asks for NAT costs one
    /// read-only <c>nft list tables</c> (none at all without nft) and is never written to.</summary>
    private bool? _tablePresent;

    /// <summary>Makes the table hold exactly one masquerade rule per (subnet, uplink); an empty set
    /// removes the table.</summary>
    public async Task ApplyAsync(IReadOnlyCollection<(Ipv4Subnet Subnet, string Bridge, string Uplink)> wanted, CancellationToken ct)
    {
        foreach (var (_, bridge, uplink) in wanted)
            if (!LinkNames.IsValidInterfaceName(bridge) || !LinkNames.IsValidInterfaceName(uplink))
                throw new ArgumentException($"'{bridge}' or '{uplink}' is not a valid interface name");
        if (wanted.Count == 0)
        {
            _tablePresent ??= await TablePresentAsync(ct).ConfigureAwait(false);
            if (_tablePresent == false) return;
        }
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
        await nft.RunAsync(["-f", "-"], ct, string.Join('\n', script) + "\n").ConfigureAwait(false);
        _tablePresent = wanted.Count > 0;
        if (wanted.Count > 0) await EnableForwardingAsync(ct).ConfigureAwait(false);
    }

    private async Task<bool> TablePresentAsync(CancellationToken ct)
    {
        try
        {
            return (await nft.RunAsync(["list", "tables"], ct).ConfigureAwait(false)).Contains($"table ip {Table}\n", StringComparison.Ordinal);
        }
        catch (NetException e) when (e.Kind == NetErrorKind.ToolMissing)
        {
            return false; // without nft there can be no table of ours
        }
    }

    private async Task EnableForwardingAsync(CancellationToken ct)
    {
        if (!File.Exists(ipForwardPath) || (await File.ReadAllTextAsync(ipForwardPath, ct).ConfigureAwait(false)).Trim() == "1") return;
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
