using System.Globalization;

namespace OcciAgent.Net.Links;

/// <summary>The link operations the network backends need, over iproute2's <c>ip</c>
/// (<see cref="HostTool"/>, JSON output where something is read back). Every ensure is
/// idempotent: an existing link of the right kind is reused and only what differs from the
/// wanted settings is changed, so start-up reconcile can simply apply what the store says.</summary>
public sealed class IpLink(HostTool ip)
{
    public async Task<IReadOnlyList<LinkInfo>> ListAsync(CancellationToken ct) =>
        LinkInfo.ParseList(await ip.RunAsync(["-j", "-d", "link", "show"], ct).ConfigureAwait(false));

    /// <summary>One link (<c>ip -j -d link show dev NAME</c>), or null when it does not exist.</summary>
    public async Task<LinkInfo?> FindAsync(string name, CancellationToken ct)
    {
        try
        {
            return LinkInfo.ParseList(await ip.RunAsync(["-j", "-d", "link", "show", "dev", Check(name)], ct).ConfigureAwait(false)).FirstOrDefault();
        }
        catch (NetException e) when (e.Kind == NetErrorKind.Failed && e.Message.Contains("does not exist", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>Creates the bridge if it is missing; true when it had to be created.</summary>
    public async Task<bool> EnsureBridgeAsync(string name, string alias, CancellationToken ct)
    {
        var existing = await FindAsync(name, ct).ConfigureAwait(false);
        if (existing is null)
            // STP off and no forwarding delay: one host's VMs on one bridge form no loop, and a
            // port should forward at once (otherwise the guest's first DHCP requests are lost).
            await ip.RunAsync(["link", "add", "name", name, "type", "bridge", "stp_state", "0", "forward_delay", "0"], ct).ConfigureAwait(false);
        else if (existing.Kind != "bridge")
            throw new NetException(NetErrorKind.Failed, $"{name} exists on this host but is not a bridge ({existing.Kind ?? "unknown kind"})");
        await SetAliasAsync(name, alias, existing, ct).ConfigureAwait(false);
        return existing is null;
    }

    /// <summary>A persistent tap (<c>ip tuntap add</c>) that QEMU later opens by name; created by
    /// the agent so it exists, enslaved to its bridge, before QEMU starts or hot-plugs it.</summary>
    public async Task EnsureTapAsync(string name, string alias, string bridge, CancellationToken ct)
    {
        Check(bridge);
        var existing = await FindAsync(name, ct).ConfigureAwait(false);
        if (existing is null)
            await ip.RunAsync(["tuntap", "add", "dev", name, "mode", "tap"], ct).ConfigureAwait(false);
        else if (existing.Kind != "tun")
            throw new NetException(NetErrorKind.Failed, $"{name} exists on this host but is not a tap ({existing.Kind ?? "unknown kind"})");
        await SetAliasAsync(name, alias, existing, ct).ConfigureAwait(false);
        await EnslaveAsync(name, bridge, existing, ct).ConfigureAwait(false);
    }

    /// <summary>An 802.1q sub-interface of <paramref name="uplink"/> enslaved to the bridge; one
    /// on another uplink or with another id (an updated occi.network.vlan) is made anew.</summary>
    public async Task EnsureVlanAsync(string name, string alias, string uplink, int vlanId, string bridge, CancellationToken ct)
    {
        Check(uplink);
        var existing = await FindAsync(name, ct).ConfigureAwait(false);
        if (existing is not null && existing.Kind != "vlan")
            throw new NetException(NetErrorKind.Failed, $"{name} exists on this host but is not a VLAN link ({existing.Kind ?? "unknown kind"})");
        if (existing is not null && (existing.VlanId != vlanId || existing.Parent != uplink))
        {
            await DeleteAsync(name, ct).ConfigureAwait(false);
            existing = null;
        }
        if (existing is null)
        {
            try
            {
                await ip.RunAsync(["link", "add", "link", uplink, "name", name, "type", "vlan", "id", vlanId.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
            }
            catch (NetException e) when (e.Kind == NetErrorKind.Unsupported)
            {
                throw new NetException(NetErrorKind.Unsupported, $"this kernel cannot make VLAN links (module 8021q is missing): {e.Message}", e);
            }
        }
        await SetAliasAsync(name, alias, existing, ct).ConfigureAwait(false);
        await EnslaveAsync(name, bridge, existing, ct).ConfigureAwait(false);
    }

    public Task SetUpAsync(string name, bool up, CancellationToken ct) =>
        ip.RunAsync(["link", "set", "dev", Check(name), up ? "up" : "down"], ct);

    /// <summary>Deletes a link; a link that is already gone is fine.</summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        try
        {
            await ip.RunAsync(["link", "del", "dev", Check(name)], ct).ConfigureAwait(false);
        }
        catch (NetException e) when (e.Kind == NetErrorKind.Failed && e.Message.Contains("Cannot find device", StringComparison.Ordinal))
        {
        }
    }

    public async Task<IReadOnlyList<LinkAddress>> AddressesAsync(string name, CancellationToken ct) =>
        LinkAddress.ParseList(await ip.RunAsync(["-j", "-4", "addr", "show", "dev", Check(name)], ct).ConfigureAwait(false));

    /// <summary>Makes <paramref name="wanted"/> the only IPv4 address of the link (none when null).</summary>
    public async Task SetAddressAsync(string name, LinkAddress? wanted, CancellationToken ct)
    {
        var current = await AddressesAsync(name, ct).ConfigureAwait(false);
        foreach (var a in current.Where(a => a != wanted))
            await ip.RunAsync(["addr", "del", a.ToString(), "dev", name], ct).ConfigureAwait(false);
        if (wanted is not null && !current.Contains(wanted))
            await ip.RunAsync(["addr", "add", wanted.ToString(), "dev", name], ct).ConfigureAwait(false);
    }

    private Task SetAliasAsync(string name, string alias, LinkInfo? existing, CancellationToken ct) =>
        existing?.Alias == alias ? Task.CompletedTask : ip.RunAsync(["link", "set", "dev", name, "alias", alias], ct);

    /// <summary>Puts a port on its bridge and up, skipping what already holds.</summary>
    private async Task EnslaveAsync(string name, string bridge, LinkInfo? existing, CancellationToken ct)
    {
        if (existing?.Master != bridge)
            await ip.RunAsync(["link", "set", "dev", name, "master", bridge], ct).ConfigureAwait(false);
        if (existing?.AdminUp != true)
            await ip.RunAsync(["link", "set", "dev", name, "up"], ct).ConfigureAwait(false);
    }

    private static string Check(string name) =>
        LinkNames.IsValidInterfaceName(name) ? name : throw new ArgumentException($"'{name}' is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -)");
}
