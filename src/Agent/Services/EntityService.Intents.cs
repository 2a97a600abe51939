using OcciAgent.Occi.Model;
using OcciAgent.Store;

namespace OcciAgent.Services;

/// <summary>Crash consistency (README, crash consistency). The store and the host cannot change
/// in one atomic step, so every create and delete records an intent before its host effect and
/// drops it in the transaction that stores the result. After a kill, start-up finds what was in
/// flight: a create that never reached the store is undone (its entity was never acknowledged),
/// a delete that had begun is finished (its volume or VM may be gone already).</summary>
public sealed partial class EntityService
{
    private void WriteIntents(IntentOp op, IEnumerable<Entity> entities) =>
        store.Transaction(tx => { foreach (var e in entities) tx.SaveIntent(new HostIntent(op, e)); });

    private void ClearIntents(IEnumerable<string> ids)
    {
        try
        {
            store.Transaction(tx => { foreach (var id in ids) tx.DeleteIntent(id); });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The request fails with its own error; a leftover intent is resolved at the next start.
            Log.IntentNotCleared(log, string.Join(", ", ids), ex.Message);
        }
    }

    /// <summary>Runs after the backends' reconcile, so VMs are reattached (a delete powers its VM
    /// off) and each backend has swept what no stored entity names.</summary>
    private async Task ResolveIntentsAsync(CancellationToken ct)
    {
        foreach (var intent in store.Intents())
        {
            var e = intent.Entity;
            var kindName = catalog.Current.FindKind(e.KindId)?.Term ?? e.KindId;
            var op = intent.Op == IntentOp.Create ? "create" : "delete";
            try
            {
                switch (intent.Op)
                {
                    case IntentOp.Create when store.Get(e.Id) is null:
                        // Never stored, so never acknowledged: remove what it made on the host. The
                        // intent goes even if that fails: the backends' sweep above already removes
                        // every volume, VM directory and link no entity names, at every start, and an
                        // undo that cannot work (a tap whose network is gone) must not retry for ever.
                        try
                        {
                            if (catalog.Current.FindKind(e.KindId) is { } kind) await BackendFor(kind).UndoCreateAsync(e);
                            Log.IntentResolved(log, kindName, e.Id, op, "what it made on the host was removed");
                        }
                        finally
                        {
                            store.DeleteIntent(e.Id);
                        }
                        break;
                    case IntentOp.Delete when store.Get(e.Id) is { } stored:
                        // A delete of a resource also covers its links; one of them may be done already.
                        await Locked(async () =>
                        {
                            if (store.Get(stored.Id) is { } still) await DeleteLockedAsync(still, ct);
                            return true;
                        }, ct);
                        store.DeleteIntent(e.Id);
                        Log.IntentResolved(log, kindName, e.Id, op, "the delete was finished");
                        break;
                    default:
                        // The store already says how it ended (created, or deleted with its links).
                        store.DeleteIntent(e.Id);
                        break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.IntentFailed(log, kindName, e.Id, op, ex.Message);
            }
        }
    }
}
