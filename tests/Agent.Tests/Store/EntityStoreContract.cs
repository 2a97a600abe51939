using OcciAgent.Occi.Model;
using OcciAgent.Store;

namespace OcciAgent.Tests.Store;

/// <summary>Semantics every <see cref="IEntityStore"/> shares; each implementation's test class
/// derives from this and supplies the store.</summary>
public abstract class EntityStoreContract : IDisposable
{
    protected abstract IEntityStore Store { get; }

    public abstract void Dispose();

    [Fact]
    public void Get_EveryValueKind_RoundTripsExactly()
    {
        var e = Samples.Entity("e1", Samples.Compute, [Samples.OsTpl, Samples.Tag],
            ("occi.compute.speed", OcciValue.Float(2.0)),
            ("occi.compute.memory", OcciValue.Float(0.5)),
            ("occi.compute.cores", OcciValue.Int(2)),
            ("big", OcciValue.Int(long.MaxValue)),
            ("negative", OcciValue.Int(-7)),
            ("tiny", OcciValue.Float(1e-300)),
            ("flag.on", OcciValue.Bool(true)),
            ("flag.off", OcciValue.Bool(false)),
            (AttributeNames.Title, OcciValue.Str("Grüße \"quoted\" 'single' \\ back ✓ 日本 😀")),
            (AttributeNames.Summary, OcciValue.Str("")));

        Store.Upsert(e);
        var got = Store.Get("e1");

        Samples.AssertSame(e, got);
        Assert.Equal(ValueKind.Float, got!.Get("occi.compute.speed")!.Value.Kind);
        Assert.Equal(2.0, got.Get("occi.compute.speed")!.Value.AsDouble);
        Assert.Equal(ValueKind.Integer, got.Get("occi.compute.cores")!.Value.Kind);
        Assert.Equal(long.MaxValue, got.Get("big")!.Value.AsInteger);
        Assert.True(got.Get("flag.on")!.Value.AsBoolean);
        Assert.False(got.Get("flag.off")!.Value.AsBoolean);
    }

    [Fact]
    public void Get_UnknownId_ReturnsNull() => Assert.Null(Store.Get("nope"));

    [Fact]
    public void Get_IdDiffersOnlyInCase_ReturnsNull()
    {
        Store.Upsert(Samples.Vm("abc"));

        Assert.Null(Store.Get("ABC"));
    }

    [Fact]
    public void Upsert_SameId_ReplacesWholeEntity()
    {
        Store.Upsert(Samples.Vm("vm1", Samples.Tag));
        Store.Upsert(Samples.Entity("vm1", Samples.Compute, null, ("occi.compute.cores", OcciValue.Int(4))));

        var got = Store.Get("vm1")!;
        Assert.Empty(got.Mixins);
        Assert.Null(got.Get(AttributeNames.Title));
        Assert.Equal(4, got.Get("occi.compute.cores")!.Value.AsInteger);
        Assert.Empty(Store.WithMixin(Samples.Tag));
    }

    [Fact]
    public void All_SeveralEntities_ReturnsAllOrderedById()
    {
        Store.Upsert(Samples.Vm("b"));
        Store.Upsert(Samples.Disk("c"));
        Store.Upsert(Samples.Vm("a"));

        Assert.Equal(["a", "b", "c"], Samples.Ids(Store.All()));
    }

    [Fact]
    public void ByKind_MixedKinds_ReturnsOnlyThatKind()
    {
        Store.Upsert(Samples.Vm("vm1"));
        Store.Upsert(Samples.Vm("vm2"));
        Store.Upsert(Samples.Disk("d1"));

        Assert.Equal(["vm1", "vm2"], Samples.Ids(Store.ByKind(Samples.Compute)));
        Assert.Equal(["d1"], Samples.Ids(Store.ByKind(Samples.Storage)));
        Assert.Empty(Store.ByKind(Schemes.Infra + "network"));
    }

    [Fact]
    public void WithMixin_EntitiesWithSeveralMixins_MatchesAnyPosition()
    {
        Store.Upsert(Samples.Vm("vm1", Samples.OsTpl, Samples.Tag));
        Store.Upsert(Samples.Vm("vm2", Samples.Tag));
        Store.Upsert(Samples.Vm("vm3", Samples.OsTpl));
        Store.Upsert(Samples.Vm("vm4"));

        Assert.Equal(["vm1", "vm2"], Samples.Ids(Store.WithMixin(Samples.Tag)));
        Assert.Equal(["vm1", "vm3"], Samples.Ids(Store.WithMixin(Samples.OsTpl)));
        Assert.Empty(Store.WithMixin("http://node1/occi/my_tags#red"));
    }

    [Fact]
    public void LinksFromAndTo_LinksBetweenResources_MatchOnLocation()
    {
        Store.Upsert(Samples.Vm("vm1"));
        Store.Upsert(Samples.Disk("d1"));
        Store.Upsert(Samples.Link("l1", "/compute/vm1", "/storage/d1"));
        Store.Upsert(Samples.Link("l2", "/compute/vm1", "/storage/d2"));
        Store.Upsert(Samples.Link("l3", "/compute/vm2", "/storage/d1"));

        Assert.Equal(["l1", "l2"], Samples.Ids(Store.LinksFrom("/compute/vm1")));
        Assert.Equal(["l1", "l3"], Samples.Ids(Store.LinksTo("/storage/d1")));
        Assert.Empty(Store.LinksFrom("/storage/d1"));
        Assert.Empty(Store.LinksTo("/compute/vm1"));
    }

    [Fact]
    public void LinksFrom_LinkRetargeted_FollowsNewAttributes()
    {
        Store.Upsert(Samples.Link("l1", "/compute/vm1", "/storage/d1"));
        Store.Upsert(Samples.Link("l1", "/compute/vm2", "/storage/d1"));

        Assert.Empty(Store.LinksFrom("/compute/vm1"));
        Assert.Equal(["l1"], Samples.Ids(Store.LinksFrom("/compute/vm2")));
    }

    [Fact]
    public void Delete_ExistingEntity_RemovesItAndReturnsTrue()
    {
        Store.Upsert(Samples.Vm("vm1", Samples.Tag));
        Store.Upsert(Samples.Link("l1", "/compute/vm1", "/storage/d1"));

        Assert.True(Store.Delete("vm1"));
        Assert.True(Store.Delete("l1"));

        Assert.Null(Store.Get("vm1"));
        Assert.Empty(Store.All());
        Assert.Empty(Store.WithMixin(Samples.Tag));
        Assert.Empty(Store.LinksFrom("/compute/vm1"));
    }

    [Fact]
    public void Delete_UnknownId_ReturnsFalse() => Assert.False(Store.Delete("nope"));

    [Fact]
    public void Transaction_WorkSucceeds_KeepsEveryWrite()
    {
        Store.Upsert(Samples.Vm("old"));

        Store.Transaction(s =>
        {
            s.Upsert(Samples.Vm("vm1"));
            s.Upsert(Samples.Link("l1", "/compute/vm1", "/storage/d1"));
            s.Delete("old");
            s.SaveUserMixin(SampleMixin("blue"));
        });

        Assert.Equal(["l1", "vm1"], Samples.Ids(Store.All()));
        Assert.Single(Store.UserMixins());
    }

    [Fact]
    public void Transaction_WorkThrows_LeavesNoChange()
    {
        Store.Upsert(Samples.Vm("keep"));
        Store.Upsert(Samples.Vm("old"));
        Store.SaveUserMixin(SampleMixin("red"));

        var thrown = Assert.Throws<InvalidOperationException>(() => Store.Transaction(s =>
        {
            s.Upsert(Samples.Vm("vm1"));
            s.Upsert(Samples.Entity("keep", Samples.Compute, null, ("occi.compute.cores", OcciValue.Int(8))));
            s.Delete("old");
            s.SaveUserMixin(SampleMixin("blue"));
            s.DeleteUserMixin(SampleMixin("red").Id);
            // Inside the transaction its own writes are visible.
            Assert.NotNull(s.Get("vm1"));
            Assert.Null(s.Get("old"));
            throw new InvalidOperationException("boom");
        }));

        Assert.Equal("boom", thrown.Message);
        Assert.Equal(["keep", "old"], Samples.Ids(Store.All()));
        Samples.AssertSame(Samples.Vm("keep"), Store.Get("keep"));
        Assert.Equal(["red"], Store.UserMixins().Select(m => m.Term));
    }

    [Fact]
    public void Transaction_NestedWorkThrows_RollsBackOuterToo()
    {
        Assert.Throws<InvalidOperationException>(() => Store.Transaction(s =>
        {
            s.Upsert(Samples.Vm("outer"));
            s.Transaction(inner =>
            {
                inner.Upsert(Samples.Vm("inner"));
                throw new InvalidOperationException("inner failed");
            });
        }));

        Assert.Empty(Store.All());
    }

    [Fact]
    public void Transaction_AfterRollback_StoreStillWritable()
    {
        Assert.Throws<InvalidOperationException>(() =>
            Store.Transaction(s => { s.Upsert(Samples.Vm("x")); throw new InvalidOperationException(); }));

        Store.Upsert(Samples.Vm("y"));
        Store.Transaction(s => s.Upsert(Samples.Vm("z")));

        Assert.Equal(["y", "z"], Samples.Ids(Store.All()));
    }

    [Fact]
    public void Transaction_OtherThreadReadsDuringWork_SeesOnlyCommittedState()
    {
        Store.Upsert(Samples.Vm("before"));
        string[]? seenByOther = null;

        Store.Transaction(s =>
        {
            s.Upsert(Samples.Vm("during"));
            var reader = new Thread(() => seenByOther = Samples.Ids(Store.All()));
            reader.Start();
            Assert.True(reader.Join(TimeSpan.FromSeconds(10)), "reader blocked behind the transaction");
        });

        Assert.NotNull(seenByOther);
        Assert.Equal(["before"], seenByOther);
        Assert.Equal(["before", "during"], Samples.Ids(Store.All()));
    }

    [Fact]
    public async Task Upsert_ConcurrentWritersAndTransactions_LosesNothing()
    {
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 25; i++)
            {
                if (i % 2 == 0)
                    Store.Upsert(Samples.Vm($"t{t}-{i:D2}"));
                else
                    Store.Transaction(s =>
                    {
                        s.Upsert(Samples.Vm($"t{t}-{i:D2}"));
                        s.Upsert(Samples.Link($"t{t}-{i:D2}-link", $"/compute/t{t}-{i:D2}", "/storage/d"));
                    });
            }
        }));
        await Task.WhenAll(tasks);

        Assert.Equal(8 * 25 + 8 * 12, Store.All().Count);
        Assert.Equal(8 * 12, Store.LinksTo("/storage/d").Count);
    }

    [Fact]
    public void SaveUserMixin_ThenList_ReturnsEveryField()
    {
        var m = new UserMixinRecord("http://node1/occi/my_tags#", "blue", "Blue \"things\" ✓", "/my_tags/blue/",
            [Samples.OsTpl], [Samples.Compute, Samples.Storage]);
        Store.SaveUserMixin(m);
        Store.SaveUserMixin(SampleMixin("alpha") with { Title = null });

        var all = Store.UserMixins();

        Assert.Equal(["alpha", "blue"], all.Select(x => x.Term));
        Assert.Null(all[0].Title);
        var got = all[1];
        Assert.Equal(m.Scheme, got.Scheme);
        Assert.Equal(m.Title, got.Title);
        Assert.Equal(m.Location, got.Location);
        Assert.Equal(m.Depends, got.Depends);
        Assert.Equal(m.Applies, got.Applies);
        Assert.Equal("http://node1/occi/my_tags#blue", got.Id);
    }

    [Fact]
    public void SaveUserMixin_SameTypeId_Replaces()
    {
        Store.SaveUserMixin(SampleMixin("blue"));
        Store.SaveUserMixin(SampleMixin("blue") with { Location = "/tags/blue/" });

        Assert.Equal(["/tags/blue/"], Store.UserMixins().Select(m => m.Location));
    }

    [Fact]
    public void DeleteUserMixin_ExistingAndUnknown_ReportsWhetherRemoved()
    {
        Store.SaveUserMixin(SampleMixin("blue"));

        Assert.True(Store.DeleteUserMixin(SampleMixin("blue").Id));
        Assert.False(Store.DeleteUserMixin(SampleMixin("blue").Id));
        Assert.Empty(Store.UserMixins());
    }

    [Fact]
    public void SaveIntent_RoundTripsOpAndWholeEntity_OnePerEntityId()
    {
        var vm = Samples.Entity("vm1", Samples.Compute, [Samples.OsTpl], ("occi.compute.cores", OcciValue.Int(2)));
        Store.SaveIntent(new HostIntent(IntentOp.Create, vm));
        Store.SaveIntent(new HostIntent(IntentOp.Delete, Samples.Vm("a0")));
        Store.SaveIntent(new HostIntent(IntentOp.Delete, vm));

        var got = Store.Intents();

        Assert.Equal(["a0", "vm1"], got.Select(i => i.EntityId));
        Assert.Equal(IntentOp.Delete, got[1].Op);
        Samples.AssertSame(vm, got[1].Entity);
        Assert.Empty(Store.All()); // an intent is not an entity
        Assert.True(Store.DeleteIntent("vm1"));
        Assert.False(Store.DeleteIntent("vm1"));
        Assert.Equal(["a0"], Store.Intents().Select(i => i.EntityId));
    }

    [Fact]
    public void Transaction_StoringEntityAndClearingIntent_IsAllOrNothing()
    {
        var vm = Samples.Vm("vm1");
        Store.SaveIntent(new HostIntent(IntentOp.Create, vm));

        Assert.Throws<InvalidOperationException>(() => Store.Transaction(s =>
        {
            s.Upsert(vm);
            s.DeleteIntent(vm.Id);
            throw new InvalidOperationException("store failed");
        }));
        Assert.Null(Store.Get("vm1"));
        Assert.Single(Store.Intents());

        Store.Transaction(s =>
        {
            s.Upsert(vm);
            s.DeleteIntent(vm.Id);
        });
        Assert.NotNull(Store.Get("vm1"));
        Assert.Empty(Store.Intents());
    }

    protected static UserMixinRecord SampleMixin(string term) =>
        new("http://node1/occi/my_tags#", term, "tag " + term, $"/my_tags/{term}/", [], []);
}
