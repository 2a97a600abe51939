namespace OcciAgent.Tests.Vms;

/// <summary>The busybox test guest built by scripts/build-test-guest (tests/guest/README.md).
/// scripts/test builds it before the tests run; here it is only registered as the os_tpl
/// <c>test-guest</c> of an agent's state dir.</summary>
public static class TestGuest
{
    public const string Term = "test-guest";
    public const string OsTpl = "Category: test-guest; scheme=\"http://node.test/occi/infrastructure/os_tpl#\"; class=\"mixin\"";
    public const string Marker = "OCCI-TEST-GUEST: ";
    public const string Booted = Marker + "booted";

    public static string CacheDir =>
        Environment.GetEnvironmentVariable("OCCI_TEST_GUEST_CACHE") is { Length: > 0 } c ? c
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".cache"), "occi-agent", "test-guest");

    /// <summary>Copies the guest into <c>STATE/images/</c> (the kernel and initrd as symbolic
    /// links: they are only read).</summary>
    public static void Register(string stateDir)
    {
        var cache = CacheDir;
        if (!File.Exists(Path.Combine(cache, "test-guest.qcow2")))
            throw new InvalidOperationException($"the test guest is not built in {cache}: run scripts/build-test-guest (scripts/test does)");
        var images = Path.Combine(stateDir, "images");
        Directory.CreateDirectory(images);
        Link(Path.Combine(cache, "vmlinuz"), Path.Combine(images, "test-guest.vmlinuz"));
        Link(Path.Combine(cache, "initrd.img"), Path.Combine(images, "test-guest.initrd.img"));
        File.Copy(Path.Combine(cache, "test-guest.json"), Path.Combine(images, "test-guest.json"), overwrite: true);
        File.Copy(Path.Combine(cache, "test-guest.qcow2"), Path.Combine(images, "test-guest.qcow2"), overwrite: true);
    }

    private static void Link(string from, string to)
    {
        File.Delete(to);
        File.CreateSymbolicLink(to, from);
    }
}
