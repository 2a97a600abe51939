using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace OcciAgent.Net.Tests.Dhcp;

/// <summary>A network namespace of the test's own (<c>occi-t-RANDOM</c>) with bridge br0
/// (10.77.0.1/24) and a veth pair: veth0 is a bridge port, veth1 (fixed MAC) is where the DHCP
/// client runs. Everything lives and dies with the namespace; nothing shows on the host.</summary>
public sealed partial class TestNetwork : IDisposable
{
    public const string Bridge = "br0";
    public const string ClientIf = "veth1";
    public static readonly IPAddress BridgeAddress = IPAddress.Parse("10.77.0.1");

    private TestNetwork(string name, string clientMac, string scriptDir)
    {
        Name = name;
        ClientMac = clientMac;
        _scriptDir = scriptDir;
    }

    private readonly string _scriptDir;

    public string Name { get; }
    public string ClientMac { get; }

    public static TestNetwork Create()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var mac = $"02:00:{id[0..2]}:{id[2..4]}:{id[4..6]}:{id[6..8]}";
        var dir = Path.Combine(Path.GetTempPath(), $"occi-t-{id}-udhcpc");
        var net = new TestNetwork($"occi-t-{id}", mac, dir);
        try
        {
            Run("ip", "netns", "add", net.Name);
            net.Ip("link", "set", "lo", "up");
            net.Ip("link", "add", Bridge, "type", "bridge");
            net.Ip("addr", "add", $"{BridgeAddress}/24", "dev", Bridge);
            net.Ip("link", "set", Bridge, "up");
            net.Ip("link", "add", "veth0", "type", "veth", "peer", "name", ClientIf, "address", mac);
            net.Ip("link", "set", "veth0", "master", Bridge);
            net.Ip("link", "set", "veth0", "up");
            net.Ip("link", "set", ClientIf, "up");
            Directory.CreateDirectory(dir);
            // udhcpc's script only reports what it was given; the test checks the values.
            File.WriteAllText(Path.Combine(dir, "report.sh"), "#!/bin/sh\n[ \"$1\" = bound ] && echo \"BOUND ip=$ip router=$router\"\nexit 0\n");
            File.SetUnixFileMode(Path.Combine(dir, "report.sh"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return net;
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>Runs busybox udhcpc once on veth1 (1 s per try, up to 8 tries: the first offer
    /// of a fresh address waits for dnsmasq's ~3 s ping check) and returns the bound address and
    /// router (null when none).</summary>
    public async Task<(IPAddress Address, string? Router)> RequestLeaseAsync()
    {
        var output = await RunAsync("ip", "netns", "exec", Name, "busybox", "udhcpc", "-i", ClientIf, "-n", "-q", "-f",
            "-T", "1", "-t", "8", "-s", Path.Combine(_scriptDir, "report.sh"));
        var m = Bound().Match(output);
        Assert.True(m.Success, $"udhcpc reported no lease: {output}");
        var router = m.Groups[2].Value;
        return (IPAddress.Parse(m.Groups[1].Value), router.Length == 0 ? null : router);
    }

    /// <summary>Another bridge with an address (for tests that run several dnsmasq side by side).</summary>
    public void AddBridge(string name, string cidr)
    {
        Ip("link", "add", name, "type", "bridge");
        Ip("addr", "add", cidr, "dev", name);
        Ip("link", "set", name, "up");
    }

    /// <summary>Runs a command in the namespace (for tests that start their own dnsmasq).</summary>
    public Process StartInside(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "netns", "exec", Name, program }.Concat(args)) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    public (string, IReadOnlyList<string>) Wrap(string program, IReadOnlyList<string> args) =>
        ("ip", ["netns", "exec", Name, program, .. args]);

    public void Dispose()
    {
        // Deleting the namespace removes its bridge and veths too.
        try { Run("ip", "netns", "del", Name); } catch (InvalidOperationException) { }
        if (Directory.Exists(_scriptDir)) Directory.Delete(_scriptDir, recursive: true);
    }

    private void Ip(params string[] args) => Run("ip", ["-n", Name, .. args]);

    public static string Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new InvalidOperationException($"{program} {string.Join(' ', args)} timed out"); }
        var all = stdout.Result + stderr.Result;
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}): {all}");
        return all;
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        return await stdout + await stderr;
    }

    [GeneratedRegex(@"BOUND ip=(\S+) router=(\S*)")]
    private static partial Regex Bound();
}
