using System;
using System.Collections.Generic;
using System.Linq;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Decoding;

public sealed class DecoderTests
{
    private static RecordBuilder Record(string system, string name) => new(Fixtures.Schema(system, name));

    [Fact]
    public void KfreeSkb_DecodesEveryFieldAndTheDropReasonAsAnEnum()
    {
        byte[] bytes = Record("skb", "kfree_skb")
            .Set("common_pid", 4242).Set("skbaddr", unchecked((long)0xffff888123456700)).Set("location", unchecked((long)0xffffffff81abcdef))
            .Set("rx_sk", 0).Set("protocol", 0x0800).Set("reason", 3).Build();

        var e = SkbProbes.KfreeSkb.Read(bytes);

        Assert.Equal(4242, e.CommonPid);
        Assert.Equal(0xffff888123456700, e.Skbaddr);
        Assert.Equal(0xffffffff81abcdef, e.Location);
        Assert.Equal(0UL, e.RxSk);
        Assert.Equal((ushort)0x0800, e.Protocol);
        Assert.Equal(SkbProbes.SkbDropReason.NO_SOCKET, e.Reason);
        Assert.Equal(typeof(uint), Enum.GetUnderlyingType(typeof(SkbProbes.SkbDropReason)));
    }

    [Fact]
    public void SkbDropReasonValues_AreTheOnesThePrintFmtGives()
    {
        SymbolicExpr reasons = Fixtures.Schema("skb", "kfree_skb").Print!.Arguments.OfType<SymbolicExpr>().Single();

        foreach (SymbolEntry entry in reasons.Entries)
            Assert.Equal(entry.Value, (ulong)Enum.Parse<SkbProbes.SkbDropReason>(entry.Name));
        Assert.Equal(reasons.Entries.Count, Enum.GetValues<SkbProbes.SkbDropReason>().Length);
    }

    [Fact]
    public void ConsumeSkb_DecodesItsAddresses()
    {
        byte[] bytes = Record("skb", "consume_skb").Set("skbaddr", 0x1000).Set("location", 0x2000).Build();

        var e = SkbProbes.ConsumeSkb.Read(bytes);

        Assert.Equal((0x1000UL, 0x2000UL), (e.Skbaddr, e.Location));
    }

    [Fact]
    public void SchedSwitch_DecodesCharArraysSignedFieldsAndStateFlags()
    {
        byte[] bytes = Record("sched", "sched_switch")
            .String("prev_comm", "bash").Set("prev_pid", 17).Set("prev_prio", 120).Set("prev_state", 1)
            .String("next_comm", "swapper/0").Set("next_pid", 0).Set("next_prio", -1).Build();

        var e = SchedProbes.SchedSwitch.Read(bytes);

        Assert.True(e.PrevComm.Equals("bash"));
        Assert.Equal("swapper/0", e.NextComm.ToString());
        Assert.Equal(17, e.PrevPid);
        Assert.Equal(-1, e.NextPrio);
        Assert.Equal(1u, (uint)e.PrevState);
    }

    [Fact]
    public void DataLocStrings_AreReadFromTheDynamicPart()
    {
        byte[] exec = Record("sched", "sched_process_exec").String("filename", "/usr/bin/ls").Set("pid", 99).Set("old_pid", 98).Build();
        byte[] irq = Record("irq", "irq_handler_entry").Set("irq", 24).String("name", "virtio0-input.0").Build();
        byte[] receive = Record("net", "netif_receive_skb").Set("skbaddr", 0x10).Set("len", 84).String("name", "lo").Build();

        Assert.Equal("/usr/bin/ls", SchedProbes.SchedProcessExec.Read(exec).Filename.ToString());
        Assert.Equal(99, SchedProbes.SchedProcessExec.Read(exec).Pid);
        Assert.Equal("virtio0-input.0", NetProbes.IrqHandlerEntry.Read(irq).Name.ToString());
        Assert.True(NetProbes.NetifReceiveSkb.Read(receive).Name.Equals("lo"u8));
        Assert.Equal(84u, NetProbes.NetifReceiveSkb.Read(receive).Len);
    }

    [Fact]
    public void DataLocArraysAndBitmasks_AreTypedByTheirElements()
    {
        byte[] dma = Record("dma", "dma_map_sg")
            .Dynamic("dma_addrs", BitConverter.GetBytes(0x1000UL).Concat(BitConverter.GetBytes(0x2000UL)).ToArray())
            .Dynamic("lengths", BitConverter.GetBytes(4096u))
            .Dynamic("phys_addrs", BitConverter.GetBytes(0x3000UL)).Build();
        byte[] ipi = Record("ipi", "ipi_send_cpumask").Dynamic("cpumask", BitConverter.GetBytes(0b1010UL)).Build();

        var map = MiscProbes.DmaMapSg.Read(dma);
        Assert.Equal(new ulong[] { 0x1000, 0x2000 }, map.DmaAddrs.ToArray());
        Assert.Equal(new uint[] { 4096 }, map.Lengths.ToArray());
        Assert.Equal(new ulong[] { 0x3000 }, map.PhysAddrs.ToArray());
        Assert.Equal(new ulong[] { 0b1010 }, MiscProbes.IpiSendCpumask.Read(ipi).Cpumask.ToArray());
    }

    [Fact]
    public void FixedByteArraysSymbolicFieldsAndBools_Decode()
    {
        byte[] state = Record("sock", "inet_sock_set_state")
            .Set("family", 2).Set("protocol", 6).Set("sport", 5000).Set("oldstate", 1).Set("newstate", 7)
            .Bytes("saddr", 127, 0, 0, 1).Build();
        byte[] flush = Record("btrfs", "btrfs_flush_space").Set("for_preempt", 1).Set("state", 8).Build();

        var set = NetProbes.InetSockSetState.Read(state);
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, set.Saddr.ToArray());
        Assert.Equal(NetProbes.Family.AF_INET, set.Family);
        Assert.Equal(NetProbes.Protocol.IPPROTO_TCP, set.Protocol);
        Assert.Equal((ushort)5000, set.Sport);
        Assert.Equal(NetProbes.Oldstate.TCP_ESTABLISHED, set.Oldstate);
        Assert.True(MiscProbes.BtrfsFlushSpace.Read(flush).ForPreempt);
        Assert.Equal(MiscProbes.State.ALLOC_CHUNK, MiscProbes.BtrfsFlushSpace.Read(flush).State);
    }

    [Fact]
    public void PrintFlagsFields_BecomeFlagsEnums()
    {
        Assert.True(typeof(MiscProbes.GfpFlags).IsDefined(typeof(FlagsAttribute), false));
        byte[] bytes = Record("kmem", "kmalloc").Set("gfp_flags", (long)(MiscProbes.GfpFlags.__GFP_ZERO | MiscProbes.GfpFlags.__GFP_NOWARN)).Build();

        MiscProbes.GfpFlags flags = MiscProbes.Kmalloc.Read(bytes).GfpFlags;

        Assert.True(flags.HasFlag(MiscProbes.GfpFlags.__GFP_ZERO));
        Assert.True(flags.HasFlag(MiscProbes.GfpFlags.__GFP_NOWARN));
    }

    [Fact]
    public void PointersAndLongs_OfASyscallEntry_Decode()
    {
        byte[] bytes = Record("syscalls", "sys_enter_openat").Set("__syscall_nr", 257).Set("dfd", -100).Set("filename", 0x7ffd1000).Set("flags", 0x80000).Set("mode", 0).Build();

        var e = MiscProbes.SysEnterOpenat.Read(bytes);

        Assert.Equal(257, e.SyscallNr);
        // The kernel stores syscall arguments as unsigned longs, whatever their declared type.
        Assert.Equal(unchecked((ulong)-100L), e.Dfd);
        Assert.Equal(0x7ffd1000UL, e.Filename);
        Assert.Equal(0x80000UL, e.Flags);
    }

    [Fact]
    public void AShortRecord_IsAnErrorNotAnOutOfRangeRead()
    {
        byte[] bytes = Record("skb", "kfree_skb").Build();

        var error = Assert.Throws<TraceRecordException>(() => SkbProbes.KfreeSkb.Read(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Equal("skb:kfree_skb", error.EventName);
        Assert.Contains("fixed part needs 40", error.Message);
        Assert.True(SkbProbes.KfreeSkb.TryRead(bytes, out _));
        Assert.False(SkbProbes.KfreeSkb.TryRead(bytes.AsSpan(0, bytes.Length - 1), out _));
        Assert.False(SkbProbes.KfreeSkb.TryRead(bytes.AsSpan(0, 8), out _));
        Assert.False(SkbProbes.KfreeSkb.TryRead(ReadOnlySpan<byte>.Empty, out _));
    }

    [Fact]
    public void ADataLocPointingIntoTheFixedPartOrPastTheEnd_IsAnError()
    {
        TracepointSchema schema = Fixtures.Schema("irq", "irq_handler_entry");
        byte[] intoFixed = new RecordBuilder(schema).Location("name", 4, 8).Build();
        byte[] pastEnd = new RecordBuilder(schema).Location("name", schema.FixedSize + 100, 8).Build();

        Assert.Contains("inside the fixed part", Assert.Throws<TraceRecordException>(() => NetProbes.IrqHandlerEntry.Read(intoFixed)).Message);
        Assert.Contains("past the end", Assert.Throws<TraceRecordException>(() => NetProbes.IrqHandlerEntry.Read(pastEnd)).Message);
        Assert.False(NetProbes.IrqHandlerEntry.TryRead(intoFixed, out _));
        Assert.False(NetProbes.IrqHandlerEntry.TryRead(pastEnd, out _));
        Assert.True(NetProbes.IrqHandlerEntry.TryRead(Record("irq", "irq_handler_entry").String("name", "eth0").Build(), out _));
    }

    [Fact]
    public void ADataLocPayloadCutShort_IsClampedAndMarkedTruncated()
    {
        byte[] full = Record("irq", "irq_handler_entry").String("name", "a-long-interrupt-name").Build();
        byte[] cut = full.AsSpan(0, full.Length - 10).ToArray();

        KernelString name = NetProbes.IrqHandlerEntry.Read(cut).Name;

        Assert.True(name.IsTruncated);
        Assert.Equal("a-long-inter", name.ToString());
        Assert.False(NetProbes.IrqHandlerEntry.Read(full).Name.IsTruncated);
    }

    [Fact]
    public void AView_GivesBackTheHeaderItWasReadWith_AndSoDoesItsOwnedCopy()
    {
        byte[] bytes = Record("skb", "kfree_skb").Set("reason", 3).Build();
        // Every part different, so that parts mixed up on the way (the view keeps them one by one) show.
        var header = new RecordHeader(0x0102030405060708, 7, 0, RecordFlags.Truncated, 4242, (uint)bytes.Length);

        var view = SkbProbes.KfreeSkb.Read(bytes, header);

        Assert.Equal(header, view.Header);
        Assert.Equal(header, view.ToRecord().Header);
    }

    [Fact]
    public void TheOwnedRecord_CopiesTheBytesAndKeepsItsValues()
    {
        byte[] bytes = Record("skb", "kfree_skb").Set("reason", 3).Set("protocol", 0x86dd).Build();
        SkbProbes.KfreeSkbRecord owned = SkbProbes.KfreeSkb.Read(bytes).ToRecord();

        Array.Clear(bytes);

        Assert.Equal(SkbProbes.SkbDropReason.NO_SOCKET, owned.Reason);
        Assert.Equal((ushort)0x86dd, owned.Protocol);
        Assert.Equal(("skb", "kfree_skb"), (owned.SystemName, owned.EventName));
        Assert.Throws<TraceRecordException>(() => new SkbProbes.KfreeSkbRecord(new byte[3]));
    }

    [Fact]
    public void OwnedRecordsMadeOneAfterAnother_EachKeepItsOwnBytes()
    {
        // Owned records share blocks for their bytes: thousands of them span many blocks, and
        // one of a payload too large to share gets its own.
        var owned = new List<SkbProbes.KfreeSkbRecord>();
        byte[] bytes = Record("skb", "kfree_skb").Build();
        for (int i = 0; i < 5000; i++)
        {
            byte[] next = Record("skb", "kfree_skb").Set("protocol", i & 0xffff).Set("skbaddr", 0x1000 + i).Build();
            owned.Add(new SkbProbes.KfreeSkbRecord(next));
        }
        byte[] large = Record("irq", "irq_handler_entry").String("name", new string('x', 1000)).Build();
        NetProbes.IrqHandlerEntryRecord big = NetProbes.IrqHandlerEntry.Read(large).ToRecord();
        Array.Clear(large);

        for (int i = 0; i < owned.Count; i++)
        {
            Assert.Equal((ushort)(i & 0xffff), owned[i].Protocol);
            Assert.Equal((ulong)(0x1000 + i), owned[i].Skbaddr);
            Assert.Equal(bytes.Length, owned[i].RawRecord.Length);
        }
        Assert.Equal(new string('x', 1000), big.Name);
    }

    [Fact]
    public void ToString_OfTextLongerThanTheStackBuffer_IsWhole()
    {
        // 256 characters fit the stack buffer; a longer line is formatted again into pooled buffers.
        foreach (int length in new[] { 240, 260, 5000 })
        {
            string name = new string('n', length);
            byte[] bytes = Record("irq", "irq_handler_entry").Set("irq", 7).String("name", name).Build();

            Assert.Equal($"irq=7 name={name}", NetProbes.IrqHandlerEntry.Read(bytes).ToString());
            Assert.Equal($"irq=7 name={name}", NetProbes.IrqHandlerEntry.Read(bytes).ToRecord().ToString());
        }
    }

    [Fact]
    public void ReadingFieldsInPlace_AllocatesNothing()
    {
        byte[] bytes = Record("irq", "irq_handler_entry").Set("irq", 24).String("name", "virtio0").Build();
        long total = 0;
        _ = NetProbes.IrqHandlerEntry.Read(bytes).Name.Length; // JIT warm-up

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            var e = NetProbes.IrqHandlerEntry.Read(bytes);
            total += e.Irq + e.Name.Length + (e.Name.Equals("virtio0") ? 1 : 0);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1000 * (24 + 7 + 1), total);
    }
}
