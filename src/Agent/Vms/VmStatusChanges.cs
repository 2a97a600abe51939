using System.Threading.Channels;

namespace OcciAgent.Vms;

/// <summary>The queue between the VMs and the store: <see cref="ComputeHost"/> writes the compute
/// id of every VM whose status changed (a QMP event, a process exit), <see cref="VmStatusRecorder"/>
/// reads them one at a time, in order. Unbounded: an entry is an id, and the recorder reads the
/// VM's status when it gets there, so a burst of changes of one VM costs one store write each.</summary>
public sealed class VmStatusChanges
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new() { SingleReader = true });

    /// <summary>Queues a change; ignored once the agent shuts down (<see cref="Complete"/>).</summary>
    public void Report(string computeId) => _channel.Writer.TryWrite(computeId);

    public ChannelReader<string> Reader => _channel.Reader;

    /// <summary>Agent shutdown: what VMs report from now on is not recorded.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
