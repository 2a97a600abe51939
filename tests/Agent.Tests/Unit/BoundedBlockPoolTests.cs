using OcciAgent.Http;

namespace OcciAgent.Tests.Unit;

/// <summary>Only the slab's blocks are reused; a block rented beyond them is garbage once returned.</summary>
[Trait("Category", "Unit")]
public sealed class BoundedBlockPoolTests
{
    [Fact]
    public void Pool_KeepsAtMostItsBound_AndReusesWhatItKeeps()
    {
        using var pool = new BoundedBlockPool();
        var max = BoundedBlockPool.MaxPooledBytes / BoundedBlockPool.BlockSize;
        var rented = Enumerable.Range(0, max * 3).Select(_ => pool.Rent()).ToList();
        Assert.All(rented, b => Assert.Equal(BoundedBlockPool.BlockSize, b.Memory.Length));
        Assert.Equal(0, pool.PooledBlocks);
        foreach (var b in rented) b.Dispose();
        // Only the slab's blocks come back; the two thirds rented beyond it are garbage.
        Assert.Equal(max, pool.PooledBlocks);
        var again = pool.Rent();
        Assert.Contains(again, rented.Take(max));
        Assert.Equal(max - 1, pool.PooledBlocks);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(BoundedBlockPool.BlockSize + 1));
    }
}
