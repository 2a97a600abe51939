using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace OcciAgent.Http;

/// <summary>Kestrel's buffer pool for this agent: 4 KiB pinned blocks like the stock pool, but only
/// the blocks of one 1 MiB slab are ever reused; a block rented beyond them is dropped on return.
/// The stock pool keeps every block a burst ever needed (evicting 5% per 10 idle seconds), and
/// its blocks, scattered over the pinned-object heap, keep whole heap regions alive: after 32
/// parallel maximum-size requests an idle agent stayed 20-25 MiB above its idle size, almost all of
/// it free but undecommittable pinned-heap space. Here the reused blocks sit in one slab, so the
/// burst's blocks die together and the next <see cref="MemoryTrim"/> collection returns their
/// regions (README "Limits" has the numbers). An edge agent serves a handful of clients at once,
/// which 1 MiB of reused buffers covers.</summary>
public sealed class BoundedBlockPool : MemoryPool<byte>
{
    public const int BlockSize = 4096;
    public const int MaxPooledBytes = 1024 * 1024;
    private const int SlabBlocks = MaxPooledBytes / BlockSize;

    private readonly ConcurrentQueue<Block> _free = new();
    private readonly Lock _slabLock = new();
    private bool _slabMade;
    private int _freeCount;
    private volatile bool _disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks held for reuse (for tests and diagnostics).</summary>
    public int PooledBlocks => Volatile.Read(ref _freeCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Volatile.Read(ref _slabMade)) MakeSlab();
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            return block;
        }
        return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true), 0, reused: false);
    }

    /// <summary>On first use, not at start: a listener nobody talks to costs nothing. The slab is
    /// uninitialized, so its pages become resident only as its blocks are first written.</summary>
    private void MakeSlab()
    {
        lock (_slabLock)
        {
            if (_slabMade) return;
            var slab = GC.AllocateUninitializedArray<byte>(MaxPooledBytes, pinned: true);
            for (var i = 0; i < SlabBlocks; i++) _free.Enqueue(new Block(this, slab, i * BlockSize, reused: true));
            Interlocked.Add(ref _freeCount, SlabBlocks);
            Volatile.Write(ref _slabMade, true);
        }
    }

    private void Return(Block block)
    {
        if (!block.Reused || _disposed) return;
        Interlocked.Increment(ref _freeCount);
        _free.Enqueue(block);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        while (_free.TryDequeue(out _)) Interlocked.Decrement(ref _freeCount);
    }

    /// <summary>A block lives on the pinned object heap: the socket transport hands it to the
    /// kernel, and pinning it there costs nothing per I/O.</summary>
    private sealed class Block(BoundedBlockPool pool, byte[] array, int offset, bool reused) : IMemoryOwner<byte>
    {
        public bool Reused { get; } = reused;

        public Memory<byte> Memory { get; } = MemoryMarshal.CreateFromPinnedArray(array, offset, BlockSize);

        public void Dispose() => pool.Return(this);
    }
}

/// <summary>Hands Kestrel <see cref="BoundedBlockPool"/>s; registered after UseKestrelCore, so
/// this registration is the one the server and the socket transport resolve.</summary>
public sealed class BoundedBlockPoolFactory : IMemoryPoolFactory<byte>
{
    private readonly ConcurrentBag<BoundedBlockPool> _pools = [];

    /// <summary>The pools handed out (one per listener and transport: a handful), so tests can
    /// see that Kestrel took them and how much they keep.</summary>
    public IReadOnlyCollection<BoundedBlockPool> Pools => _pools;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new BoundedBlockPool();
        _pools.Add(pool);
        return pool;
    }
}
