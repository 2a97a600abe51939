namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Typed commands: the run state of the VM (vCPUs, power, the QEMU process).</summary>
public sealed partial class QmpClient
{
    /// <summary><c>query-status</c>: the run state and whether vCPUs run.</summary>
    public async Task<QmpStatus> QueryStatusAsync(CancellationToken ct = default) =>
        ReadReply("query-status", await ExecuteAsync("query-status", null, ct).ConfigureAwait(false), QmpJson.Default.QmpStatus);

    /// <summary><c>cont</c>: the vCPUs run (QEMU sends <c>RESUME</c> before the reply).</summary>
    public Task ContAsync(CancellationToken ct = default) => ExecuteAsync("cont", null, ct);

    /// <summary><c>stop</c>: the vCPUs halt (QEMU sends <c>STOP</c> before the reply).</summary>
    public Task StopAsync(CancellationToken ct = default) => ExecuteAsync("stop", null, ct);

    /// <summary><c>system_powerdown</c>: presses the ACPI power button; the guest decides what to do.</summary>
    public Task SystemPowerdownAsync(CancellationToken ct = default) => ExecuteAsync("system_powerdown", null, ct);

    /// <summary><c>system_reset</c>: a warm reset of the machine, same process.</summary>
    public Task SystemResetAsync(CancellationToken ct = default) => ExecuteAsync("system_reset", null, ct);

    /// <summary>Sends <c>quit</c> and returns once QEMU has acknowledged it or closed the socket (it does
    /// both as it exits), without waiting for the close; <see cref="QuitAsync"/> waits for it.</summary>
    public Task RequestQuitAsync(CancellationToken ct = default) => ExecuteAsync("quit", null, ct);

    /// <summary>Sends <c>quit</c> and waits until QEMU has closed the QMP socket (it does so as it exits).
    /// Returns at once if the connection is already closed.</summary>
    public async Task QuitAsync(CancellationToken ct = default)
    {
        if (_closeReason is null)
        {
            try
            {
                await RequestQuitAsync(ct).ConfigureAwait(false);
            }
            catch (QmpException e) when (e.ConnectionClosed && Volatile.Read(ref _disposed) == 0)
            {
                // Closed before quit could be sent: QEMU is gone already, which is what quit asks for.
            }
        }
        await Closed.WaitAsync(ct).ConfigureAwait(false);
    }
}
