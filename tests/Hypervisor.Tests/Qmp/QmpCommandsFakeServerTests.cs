using System.Text.Json;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Tests.Qmp;

/// <summary>Each typed command against a scripted peer: the exact command and arguments on the wire, and
/// its reply read into the reply record.</summary>
[Trait("Category", "Integration")]
public sealed class QmpCommandsFakeServerTests : IAsyncLifetime
{
    private readonly FakeQmpServer _server = new();
    private QmpClient? _client;
    private FakeQmpConnection? _peer;

    public async Task InitializeAsync()
    {
        var connecting = QmpClient.ConnectAsync(_server.SocketPath, TimeSpan.FromSeconds(10));
        _peer = await _server.AcceptAsync();
        _client = await connecting;
    }

    public async Task DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        _server.Dispose();
    }

    /// <summary>Runs <paramref name="call"/>, answers it with <paramref name="reply"/>, and returns what was sent.</summary>
    private async Task<FakeCommand> SentBy(Func<QmpClient, Task> call, string reply = "{}")
    {
        var running = call(_client!);
        var command = await _peer!.ReadCommandAsync();
        await _peer.ReplyAsync(command.Id, reply);
        await running;
        return command;
    }

    private static string Args(FakeCommand c) => c.Arguments is { } a ? a.GetRawText() : "";

    [Theory]
    [InlineData("cont")]
    [InlineData("stop")]
    [InlineData("system_powerdown")]
    [InlineData("system_reset")]
    public async Task Run_StateCommandsTakeNoArguments(string name)
    {
        var sent = await SentBy(name switch
        {
            "cont" => c => c.ContAsync(),
            "stop" => c => c.StopAsync(),
            "system_powerdown" => c => c.SystemPowerdownAsync(),
            _ => c => c.SystemResetAsync(),
        });
        Assert.Equal(name, sent.Execute);
        Assert.Null(sent.Arguments);
    }

    [Theory]
    [InlineData("running", true, QmpRunState.Running)]
    [InlineData("guest-panicked", false, QmpRunState.GuestPanicked)]
    [InlineData("finish-migrate", false, QmpRunState.FinishMigrate)]
    [InlineData("some-future-state", false, QmpRunState.Unknown)]
    public async Task Query_StatusReadsTheRunStateAsAnEnum(string wire, bool running, QmpRunState expected)
    {
        QmpStatus? status = null;
        var sent = await SentBy(async c => status = await c.QueryStatusAsync(),
            $$"""{"status": "{{wire}}", "running": {{(running ? "true" : "false")}}, "singlestep": false}""");
        Assert.Equal("query-status", sent.Execute);
        Assert.Equal(new QmpStatus(expected, running), status);
        if (expected != QmpRunState.Unknown) Assert.Equal(wire, expected.ToQmpName());
    }

    [Theory]
    [InlineData("""{"running": true}""")]
    [InlineData("""{"status": 3, "running": true}""")]
    [InlineData("[]")]
    public async Task A_ReplyOfAnotherShapeNamesTheCommandAndQuotesTheReply(string reply)
    {
        var running = _client!.QueryStatusAsync();
        var command = await _peer!.ReadCommandAsync();
        await _peer.ReplyAsync(command.Id, reply);
        var e = await Assert.ThrowsAsync<QmpException>(() => running);
        Assert.StartsWith("unexpected query-status reply: ", e.Message);
        Assert.False(e.ConnectionClosed);
    }

    [Fact]
    public async Task Disk_HotplugCallsCarryTheSameValuesAsItsCommandLine()
    {
        var disk = new VmDisk("vdb", "/d,x/data.qcow2", ReadOnly: true) { Slot = 0x0b };
        var add = await SentBy(c => disk.AddBackendAsync(c, default));
        var device = await SentBy(c => c.DeviceAddAsync(disk.Device(), default));
        var del = await SentBy(c => disk.DeleteBackendAsync(c, default));

        Assert.Equal(("blockdev-add", """{"driver":"qcow2","node-name":"disk-vdb","read-only":true,"file":{"driver":"file","filename":"/d,x/data.qcow2"}}"""),
            (add.Execute, Args(add)));
        Assert.Equal(("device_add", """{"driver":"virtio-blk-pci","drive":"disk-vdb","id":"dev-vdb","addr":"0xb"}"""), (device.Execute, Args(device)));
        Assert.Equal(("blockdev-del", """{"node-name":"disk-vdb"}"""), (del.Execute, Args(del)));
        Assert.Equal(["-blockdev", "driver=qcow2,node-name=disk-vdb,read-only=on,file.driver=file,file.filename=/d,,x/data.qcow2",
            "-device", "driver=virtio-blk-pci,drive=disk-vdb,id=dev-vdb,bootindex=2,addr=0xb"], disk.Arguments(2));
    }

    [Fact]
    public async Task Nic_HotplugCallsCarryTheSameValuesAsItsCommandLine()
    {
        var nic = new VmNic("nab", "occiab", "52:54:00:12:34:56") { Slot = 0x04 };
        var add = await SentBy(c => nic.AddBackendAsync(c, default));
        var device = await SentBy(c => c.DeviceAddAsync(nic.Device(), default));
        var del = await SentBy(c => nic.DeleteBackendAsync(c, default));
        var unplug = await SentBy(c => c.DeviceDelAsync(nic.QdevId, default));

        Assert.Equal(("netdev_add", """{"type":"tap","id":"net-nab","ifname":"occiab","script":"no","downscript":"no","vhost":false}"""),
            (add.Execute, Args(add)));
        Assert.Equal(("device_add", """{"driver":"virtio-net-pci","netdev":"net-nab","id":"nic-nab","mac":"52:54:00:12:34:56","addr":"0x4"}"""),
            (device.Execute, Args(device)));
        Assert.Equal(("netdev_del", """{"id":"net-nab"}"""), (del.Execute, Args(del)));
        Assert.Equal(("device_del", """{"id":"nic-nab"}"""), (unplug.Execute, Args(unplug)));
        Assert.Equal(["-netdev", "type=tap,id=net-nab,ifname=occiab,script=no,downscript=no,vhost=off",
            "-device", "driver=virtio-net-pci,netdev=net-nab,id=nic-nab,mac=52:54:00:12:34:56,addr=0x4"], nic.Arguments(null));
    }

    [Fact]
    public async Task Block_CommandsSendTheirArguments()
    {
        var resize = await SentBy(c => c.BlockResizeAsync(new BlockResize("disk-vdb", 1L << 33)));
        var snapshot = await SentBy(c => c.BlockdevSnapshotInternalSyncAsync(new BlockdevSnapshotInternal("disk-vdb", "s1")));
        Assert.Equal(("block_resize", """{"node-name":"disk-vdb","size":8589934592}"""), (resize.Execute, Args(resize)));
        Assert.Equal(("blockdev-snapshot-internal-sync", """{"device":"disk-vdb","name":"s1"}"""), (snapshot.Execute, Args(snapshot)));
    }

    [Fact]
    public async Task Job_CommandsSendTheirArgumentsAndReadTheJobs()
    {
        var backup = await SentBy(c => c.DriveBackupAsync(new DriveBackup("capture-vdb", "disk-vdb", "/t.qcow2", "qcow2", "full", "absolute-paths", false)));
        var save = await SentBy(c => c.SnapshotSaveAsync(new SnapshotJob("h", "tag", "disk-vda", ["disk-vda"])));
        var load = await SentBy(c => c.SnapshotLoadAsync(new SnapshotJob("resume", "tag", "disk-vda", ["disk-vda"])));
        var delete = await SentBy(c => c.SnapshotDeleteAsync(new SnapshotJob("forget", "tag", null, ["disk-vda"])));
        var dismiss = await SentBy(c => c.JobDismissAsync("h"));
        QmpJob[] jobs = [];
        await SentBy(async c => jobs = await c.QueryJobsAsync(),
            """[{"id": "h", "type": "snapshot-save", "status": "concluded", "current-progress": 1, "total-progress": 1, "error": "no space"}, {"id": "x", "type": "backup", "status": "running", "current-progress": 0, "total-progress": 1}]""");

        Assert.Equal(("drive-backup", """{"job-id":"capture-vdb","device":"disk-vdb","target":"/t.qcow2","format":"qcow2","sync":"full","mode":"absolute-paths","auto-dismiss":false}"""),
            (backup.Execute, Args(backup)));
        Assert.Equal(("snapshot-save", """{"job-id":"h","tag":"tag","vmstate":"disk-vda","devices":["disk-vda"]}"""), (save.Execute, Args(save)));
        Assert.Equal(("snapshot-load", """{"job-id":"resume","tag":"tag","vmstate":"disk-vda","devices":["disk-vda"]}"""), (load.Execute, Args(load)));
        Assert.Equal(("snapshot-delete", """{"job-id":"forget","tag":"tag","devices":["disk-vda"]}"""), (delete.Execute, Args(delete)));
        Assert.Equal(("job-dismiss", """{"id":"h"}"""), (dismiss.Execute, Args(dismiss)));
        Assert.Equal([new QmpJob("h", "concluded", "no space"), new QmpJob("x", "running")], jobs);
    }

    [Fact]
    public async Task Query_PciReadsTheSlotsAndQdevIds()
    {
        PciBus[] buses = [];
        var sent = await SentBy(async c => buses = await c.QueryPciAsync(),
            """[{"bus": 0, "devices": [{"bus": 0, "slot": 0, "function": 0, "class_info": {"class": 1536}, "id": {"device": 4663, "vendor": 32902}, "qdev_id": "", "regions": []}, {"bus": 0, "slot": 3, "function": 0, "class_info": {"class": 512}, "id": {"device": 4096, "vendor": 6900}, "qdev_id": "nic-nab", "regions": []}]}]""");
        Assert.Equal("query-pci", sent.Execute);
        var bus = Assert.Single(buses);
        Assert.Equal([(0, ""), (3, "nic-nab")], bus.Devices.Select(d => (d.Slot, d.QdevId)));
    }

    [Fact]
    public async Task Quit_RequestReturnsWhenQemuClosesWithoutReplying()
    {
        var quitting = _client!.RequestQuitAsync();
        Assert.Equal("quit", (await _peer!.ReadCommandAsync()).Execute);
        _peer.Close();
        await quitting.WaitAsync(TimeSpan.FromSeconds(10));
        await _client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
