using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Systemd;

namespace OcciAgent.Hypervisor.Tests.Systemd;

/// <summary>Per-test connection to the harness's systemd, a scratch directory under $TMPDIR
/// (the harness shares it with the container; the host's /tmp is not), and clean-up of every
/// unit the test started, also when it failed.</summary>
public abstract class SystemdHarness : IAsyncLifetime
{
    public const string Slice = "occi-vmtest.slice";
    private readonly List<string> _units = [];

    protected SystemdManager Manager { get; private set; } = null!;
    protected string Dir { get; private set; } = "";
    protected string QemuPath { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // Under a plain `dotnet test` every [SystemdFact] is skipped and this must not fail.
        if (string.IsNullOrEmpty(SystemdFactAttribute.Bus)) return;
        Manager = await SystemdManager.ConnectAsync(SystemdFactAttribute.Bus, TimeSpan.FromSeconds(10), CancellationToken.None);
        // Short: vms/<uuid>/monitor.sock must fit a unix socket path (107 bytes).
        Dir = Directory.CreateTempSubdirectory("sd").FullName;
        var q = await HostProbe.ProbeAsync("qemu-system-x86_64", "tcg", CancellationToken.None);
        QemuPath = q.QemuPath ?? throw new InvalidOperationException($"QEMU is needed: {q.Problem}");
    }

    /// <summary>Remembers a unit so that clean-up kills it whatever happens.</summary>
    protected string Track(string vmId)
    {
        var unit = UnitNames.ForVm(vmId);
        _units.Add(unit);
        return unit;
    }

    public async Task DisposeAsync()
    {
        if (Manager is null) return;
        foreach (var u in _units)
        {
            try
            {
                if (await Manager.GetUnitAsync(u) is not null) await Manager.StopUnitAsync(u, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception e) when (e is SystemdException or TimeoutException) { }
        }
        await Manager.DisposeAsync();
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }

    /// <summary>The host PIDs of a unit, read from the container's cgroup on the host.</summary>
    protected async Task<int[]> HostPidsAsync(string unit)
    {
        var path = await Manager.GetUnitAsync(unit) ?? throw new InvalidOperationException($"{unit} does not exist");
        var cg = await Manager.StringPropertyAsync(path, "org.freedesktop.systemd1.Service", "ControlGroup");
        var root = Environment.GetEnvironmentVariable("WITH_SYSTEMD_CGROUP")
            ?? throw new InvalidOperationException("WITH_SYSTEMD_CGROUP is unset: not under with-systemd");
        return File.ReadAllLines(root + cg + "/cgroup.procs").Select(int.Parse).ToArray();
    }

    /// <summary>The innermost PID of a host process (NSpid's last field): what systemd in the
    /// container calls it.</summary>
    protected static int InnermostPid(int hostPid)
    {
        var line = File.ReadAllLines($"/proc/{hostPid}/status").Single(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
        return int.Parse(line.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
    }

    /// <summary>Polls systemd until <paramref name="check"/> holds: for tests only, where the
    /// thing awaited (machined dropping a machine) has no signal of its own to us.</summary>
    protected static async Task Eventually(Func<Task<bool>> check, string what, TimeSpan? timeout = null)
    {
        var end = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await check())
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"{what} did not happen within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds} s");
            await Task.Delay(50);
        }
    }
}
