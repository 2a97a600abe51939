using System.Net;
using OcciAgent.Config;
using Microsoft.Extensions.DependencyInjection;
using OcciAgent.Http;

namespace OcciAgent.Tests.Http;

/// <summary>Kestrel's buffers come from <see cref="BoundedBlockPool"/>, which keeps at most 1 MiB of
/// returned blocks, so a burst of large requests leaves nothing pooled for the GC to keep alive.</summary>
[Trait("Category", "Integration")]
public sealed class BlockPoolTests : AgentTestBase
{
    [Fact]
    public async Task Kestrel_UsesTheBoundedPools_AndABurstLeavesThemBounded()
    {
        var factory = Agent.Services.GetRequiredService<BoundedBlockPoolFactory>();
        Assert.NotEmpty(factory.Pools);
        var max = RequestLimits.DefaultMaxRequestBytes;
        var head = StorageKind + "\r\nX-OCCI-Attribute: occi.storage.size=0.001\r\n";
        var body = head + new string(' ', max - head.Length);
        var burst = Enumerable.Range(0, 16).Select(async _ =>
        {
            using var client = Agent.NewClient();
            Agent.UseAdminToken(client);
            using var r = await client.PostAsync("/storage/", new StringContent(body, null, "text/plain"));
            return r.StatusCode;
        });
        Assert.All(await Task.WhenAll(burst), s => Assert.Equal(HttpStatusCode.Created, s));
        var limit = BoundedBlockPool.MaxPooledBytes / BoundedBlockPool.BlockSize;
        Assert.All(factory.Pools, p => Assert.InRange(p.PooledBlocks, 0, limit));
        Assert.Contains(factory.Pools, p => p.PooledBlocks > 0);
    }
}
