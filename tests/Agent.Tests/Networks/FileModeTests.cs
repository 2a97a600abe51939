using System.Net;
using OcciAgent.Tests.Vms;

namespace OcciAgent.Tests.Networks;

/// <summary>Everything the agent binary writes is private to its user (README "Files and their
/// modes"): after a storage, a compute with user_data and ssh_key from an os_tpl (overlay), a
/// boot (console log, QMP and monitor sockets), nothing in the state dir has a group or other
/// bit except the documented path to dnsmasq's run dir. Runs the binary (the umask is set in
/// its Main) in a network namespace of its own.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("Category", "Vm")]
public sealed class FileModeTests : NetnsTestBase
{
    private const UnixFileMode GroupOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
    private const UnixFileMode Traverse = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    [Fact]
    public async Task Nothing_TheAgentWritesIsReadableByGroupOrOthers()
    {
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.0625");
        var data = Convert.ToBase64String("secret user data"u8.ToArray());
        var compute = await CreateGuestAsync(
            "Category: user_data; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute#\"; class=\"mixin\"",
            "Category: ssh_key; scheme=\"http://schemas.ogf.org/occi/infrastructure/credentials#\"; class=\"mixin\"",
            $"X-OCCI-Attribute: occi.compute.userdata=\"{data}\"",
            "X-OCCI-Attribute: occi.credentials.ssh.publickey=\"ssh-ed25519 AAAAC3Nza modes@occi\"");
        await BootAsync(compute);
        Assert.Contains("OCCI-TEST-GUEST: fw_cfg user_data secret user data", await ConsoleAsync(compute));

        var state = Path.GetFullPath(Agent.StateDir);
        var vm = Path.Combine(state, "vms", IdOf(compute));
        var dhcp = Path.Combine(state, "net", "dhcp");
        var seen = new List<string>();
        var open = new List<string>();
        foreach (var entry in new DirectoryInfo(state).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Append(new DirectoryInfo(state)))
        {
            if (entry.LinkTarget is not null) continue; // the test guest's kernel and initrd, linked by the test
            var path = entry.FullName;
            seen.Add(path);
            if (path == dhcp || path.StartsWith(dhcp + "/", StringComparison.Ordinal)) continue; // dnsmasq's own user reads it
            var expected = path == state || path == Path.Combine(state, "net") ? Traverse : entry.UnixFileMode & ~GroupOther;
            if (entry.UnixFileMode != expected) open.Add($"{path} {Convert.ToString((int)entry.UnixFileMode, 8)}");
        }
        Assert.True(open.Count == 0, "too open:\n" + string.Join("\n", open));
        // The things the rule is about exist, so the walk above really looked at them.
        Assert.Contains(Path.Combine(state, "occi.db"), seen);
        Assert.Contains(Path.Combine(vm, "console.log"), seen);
        Assert.Contains(Path.Combine(vm, "qmp.sock"), seen);
        Assert.Contains(seen, p => p.StartsWith(Path.Combine(state, "volumes") + "/", StringComparison.Ordinal) && p.Contains(IdOf(storage)));
        Assert.True(Directory.GetFiles(vm).Length >= 4, "VM dir: " + string.Join(", ", Directory.GetFiles(vm)));
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(compute, "stop", "poweroff")).StatusCode);
    }
}
