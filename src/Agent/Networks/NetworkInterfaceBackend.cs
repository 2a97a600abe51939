using System.Net;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Net;
using OcciAgent.Net.Addressing;
using OcciAgent.Net.Links;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Services;
using OcciAgent.Store;
using OcciAgent.Vms;

namespace OcciAgent.Networks;

/// <summary>A networkinterface is a tap on its network's bridge, plugged into the compute's VM
/// as a virtio NIC (GFD.224 §3.4.1): at boot when the VM is off (see
/// <see cref="ComputeSpecBuilder"/>), hot-plugged into a running VM, unplugged and deleted with
/// the link. ipnetworkinterface (GFD.224 §3.4.1) shows the address the guest leased, or the
/// static one, which becomes a DHCP reservation for the MAC.</summary>
public sealed class NetworkInterfaceBackend(INetworkHost net, IComputeHost host, IEntityStore store) : IKindBackend
{
    private const string State = "occi.networkinterface.state", Message = "occi.networkinterface.state.message";
    private const string MacAttr = "occi.networkinterface.mac";

    public Kind Kind => InfrastructureKinds.NetworkInterface;

    private static string ComputeId(Entity link) => Entity.IdIn(link.Source!);

    private IVirtualMachine? LiveVm(Entity link, string what) => host.LiveVm(ComputeId(link), what, "devices");

    public async Task<Entity> CreateAsync(Entity link, IReadOnlyList<Mixin> mixins, CancellationToken ct)
    {
        var network = net.NetworkOf(link);
        var plan = net.Plan(network);
        link = Checked(link, plan, null);
        await net.EnsureTapAsync(link, ct);
        try
        {
            if (plan.Dynamic && IsStatic(link)) await net.ApplyDhcpAsync(plan, null, ct, extra: link);
            if (LiveVm(link, "adding a network interface") is { } vm)
            {
                await vm.HotplugNicAsync(NetworkHost.NicFor(link), ct);
                return link.With(State, OcciValue.Str("active"));
            }
        }
        catch
        {
            await net.RemoveTapAsync(link, CancellationToken.None);
            throw;
        }
        return link.With(State, OcciValue.Str("inactive"));
    }

    public async Task UndoCreateAsync(Entity link)
    {
        if (host.StatusOf(ComputeId(link)).Phase is VmPhase.Running or VmPhase.Paused)
            await host.Vm(ComputeId(link)).UnplugNicAsync(NetworkHost.NicFor(link), CancellationToken.None);
        await net.RemoveTapAsync(link, CancellationToken.None);
        var plan = net.Plan(net.NetworkOf(link));
        if (plan.Dynamic) await net.ApplyDhcpAsync(plan, link.Id, CancellationToken.None);
    }

    public async Task<Entity> UpdateAsync(Entity current, Entity updated, CancellationToken ct)
    {
        var plan = net.Plan(net.NetworkOf(updated));
        updated = Checked(updated, plan, current);
        if (NetworkHost.Mac(current) != NetworkHost.Mac(updated) && host.StatusOf(ComputeId(current)) is { Phase: not VmPhase.Off } or { Hibernated: true })
            throw AgentException.Conflict($"networkinterface {current.Id}: the MAC of a NIC of a running compute cannot change; stop the compute first");
        if (plan.Dynamic) await net.ApplyDhcpAsync(plan, null, ct, extra: updated);
        return updated;
    }

    public async Task DeleteAsync(Entity link, CancellationToken ct)
    {
        if (LiveVm(link, "removing its network interfaces") is { } vm)
            await vm.UnplugNicAsync(NetworkHost.NicFor(link), ct);
        await net.RemoveTapAsync(link, ct);
        if (store.Get(Entity.IdIn(link.Target!)) is { } network && net.Plan(network) is { Dynamic: true } plan)
            await net.ApplyDhcpAsync(plan, link.Id, ct);
    }

    public async Task<Entity> ObserveAsync(Entity link, CancellationToken ct)
    {
        var tap = LinkNames.Tap(link.Id);
        if (await net.LinkStateAsync(tap, ct) is null)
            return link.With(State, OcciValue.Str("error")).With(Message, OcciValue.Str($"tap {tap} is missing on the host; an agent restart recreates it"));
        var live = host.StatusOf(ComputeId(link)).Phase is VmPhase.Running or VmPhase.Paused;
        link = link.With(State, OcciValue.Str(live ? "active" : "inactive"));
        if (!IsStatic(link) && store.Get(Entity.IdIn(link.Target!)) is { } network)
            link = link.With(NetworkHost.IfAddress, net.LeasedAddress(network, NetworkHost.Mac(link)) is { } a ? OcciValue.Str(a.ToString()) : null);
        return link;
    }

    /// <summary>At start: recreate missing taps of stored links, delete taps of deleted links.</summary>
    public async Task<IReadOnlyList<Entity>> ReconcileAsync(IReadOnlyList<Entity> stored, CancellationToken ct)
    {
        await net.RemoveLeftoversAsync(NetworkHost.InterfaceKind, stored.Select(e => e.Id).ToHashSet(), ct);
        var changed = new List<Entity>();
        foreach (var link in stored)
        {
            try
            {
                await net.EnsureTapAsync(link, ct);
                if (link.GetString(Message) is not null) changed.Add(link.With(Message, null));
            }
            catch (Exception ex) when (ex is AgentException or NetException)
            {
                changed.Add(link.With(State, OcciValue.Str("error")).With(Message, OcciValue.Str($"tap could not be restored at agent start: {ex.Message}")));
            }
        }
        return changed;
    }

    public Task<ActionOutcome> ActAsync(Entity link, OcciAction action, IReadOnlyDictionary<string, OcciValue> p, CancellationToken ct) =>
        throw new AgentException(AgentError.NotImplemented, $"networkinterface action {action.Term} is not implemented");

    private static bool IsStatic(Entity link) =>
        link.GetString(NetworkHost.IfAllocation) == "static" && link.GetString(NetworkHost.IfAddress) is not null;

    /// <summary>MAC and address checks (400 for bad values, 409 for clashes); a client-given
    /// address makes the interface static, since a DHCP-chosen address cannot be given.</summary>
    private Entity Checked(Entity link, NetworkPlan plan, Entity? current)
    {
        var mac = NetworkHost.Mac(link);
        var first = Convert.ToByte(mac[..2], 16);
        if ((first & 1) != 0 || mac == "00:00:00:00:00:00")
            throw AgentException.Invalid($"{MacAttr} {mac} is a multicast or zero address; a NIC needs a unicast MAC");
        link = link.With(MacAttr, OcciValue.Str(mac));
        var clash = store.ByKind(InfrastructureKinds.NetworkInterface.Id)
            .FirstOrDefault(l => l.Id != link.Id && NetworkHost.Mac(l) == mac);
        if (clash is not null)
            throw AgentException.Conflict($"{MacAttr} {mac} is already used by networkinterface {clash.Id}");
        if (plan.Subnet is not null && !link.Mixins.Contains(InfrastructureMixins.IpNetworkInterface.Id))
            link = link with { Mixins = link.Mixins.Add(InfrastructureMixins.IpNetworkInterface.Id) };
        var given = link.GetString(NetworkHost.IfAddress);
        if (given is null) return link;
        // A dynamic interface's address is observed, never stored: a client writing back the
        // rendering it read (PUT) does not turn the lease into a reservation.
        if (current is not null && !IsStatic(current) && link.GetString(NetworkHost.IfAllocation) != "static")
            return link.With(NetworkHost.IfAddress, null);
        if (plan.Subnet is null)
            throw AgentException.Invalid($"networkinterface {link.Id}: {NetworkHost.IfAddress} needs a network with an address (ipnetwork occi.network.address)");
        IPAddress ip;
        try
        {
            ip = Ipv4Subnet.ParseAddress(given, NetworkHost.IfAddress);
        }
        catch (ArgumentException e)
        {
            throw AgentException.Invalid(e.Message);
        }
        if (!plan.Subnet.IsHost(ip))
            throw AgentException.Invalid($"{NetworkHost.IfAddress} {ip} is not a host address of network {plan.Subnet}");
        if (plan.BridgeAddress?.Address == ip.ToString())
            throw AgentException.Conflict($"{NetworkHost.IfAddress} {ip} is the network's own (gateway) address");
        var used = store.LinksTo(NetworkHost.NetworkLocation(plan.Id))
            .FirstOrDefault(l => l.Id != link.Id && IsStatic(l) && l.GetString(NetworkHost.IfAddress) == ip.ToString());
        if (used is not null)
            throw AgentException.Conflict($"{NetworkHost.IfAddress} {ip} is already given to networkinterface {used.Id}");
        // dnsmasq does not take a reservation's address from a guest that holds its lease: the
        // static NIC would silently get another address.
        if (net.LeaseHolder(net.NetworkOf(link), ip, mac) is { } holder)
            throw AgentException.Conflict($"{NetworkHost.IfAddress} {ip} is leased to MAC {holder} on this network now; choose another address");
        return link.With(NetworkHost.IfAddress, OcciValue.Str(ip.ToString())).With(NetworkHost.IfAllocation, OcciValue.Str("static"));
    }
}
