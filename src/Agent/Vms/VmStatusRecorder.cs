using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OcciAgent.Services;

namespace OcciAgent.Vms;

/// <summary>Stores VM status changes as they come, without anyone polling: reads
/// <see cref="VmStatusChanges"/> and records each VM's current state on its compute entity under
/// the entity service's write lock (<see cref="EntityService.ApplyHostChangeAsync"/>). Changes
/// reported before the host starts (during the start-up reconcile) wait in the queue.</summary>
public sealed class VmStatusRecorder(VmStatusChanges changes, ComputeKindBackend computes, EntityService service,
    ILogger<VmStatusRecorder> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var id in changes.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await computes.RecordStatusAsync(id, service.ApplyHostChangeAsync);
                }
                catch (Exception ex)
                {
                    Log.VmBackgroundFailed(log, id, "recording a status change", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Agent shutdown: the VMs keep running; their next state is read at the next start.
        }
    }
}
