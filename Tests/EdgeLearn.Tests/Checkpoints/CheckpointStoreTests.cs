using System;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Checkpoints;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;
using EdgeLearn.Tests.Data;
using EdgeLearn.Tests.Images;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Checkpoints;

[TestClass]
public sealed class CheckpointStoreTests
{
    private static byte[] Full(uint seed) => EquilibriumPropagationImage.WriteFull(TestImages.Learner(seed: seed), null);

    [TestMethod]
    public void TryReadLatest_EmptyStore_NoCheckpoint()
    {
        var store = new CheckpointStore(new FlashBlockStore(256, 16), ImageLimits.Default);

        Assert.IsFalse(store.TryReadLatest(out _, out ImageError error));

        Assert.AreEqual(ImageErrorCode.NoCheckpoint, error.Code);
        StringAssert.Contains(error.Message, "SlotEmpty");
        Assert.AreEqual(CheckpointSlotState.Empty, store.InspectSlot(0).State);
    }

    [TestMethod]
    public void Commit_Repeatedly_AlternatesSlotsAndIncrementsSequence()
    {
        var flash = new FlashBlockStore(256, 16);
        var store = new CheckpointStore(flash, ImageLimits.Default);
        byte[][] images = { Full(1), Full(2), Full(3), Full(4) };

        for (int k = 0; k < images.Length; k++)
        {
            uint sequence = store.Commit(images[k], 0, images[k].Length);
            Assert.AreEqual((uint)(k + 1), sequence);
            var rebooted = new CheckpointStore(flash, ImageLimits.Default);
            Assert.IsTrue(rebooted.TryReadLatest(out CheckpointSlotInfo latest, out ImageError error), error?.ToString());
            Assert.AreEqual(k % 2, latest.Slot);
            Assert.AreEqual(sequence, latest.Sequence);
            CollectionAssert.AreEqual(images[k], latest.Image);
        }

        Assert.AreEqual(CheckpointSlotState.Valid, store.InspectSlot(0).State);
        Assert.AreEqual(3u, store.InspectSlot(0).Sequence);
    }

    [TestMethod]
    public void TryReadLatest_NewestSlotDamagedAfterCommit_FallsBackToThePreviousCheckpoint()
    {
        var flash = new FlashBlockStore(256, 16);
        var store = new CheckpointStore(flash, ImageLimits.Default);
        byte[] first = Full(1);
        byte[] second = Full(2);
        store.Commit(first, 0, first.Length);
        store.Commit(second, 0, second.Length);
        byte[] contents = flash.CopyContents();
        contents[store.SlotBytes + CheckpointStore.ImageOffset + 200] ^= 0x01; // bit rot in slot 1's image
        flash.LoadContents(contents);

        var rebooted = new CheckpointStore(flash, ImageLimits.Default);
        Assert.IsTrue(rebooted.TryReadLatest(out CheckpointSlotInfo latest, out _));

        CollectionAssert.AreEqual(first, latest.Image);
        Assert.AreEqual(ImageErrorCode.SlotImageCrcMismatch, rebooted.InspectSlot(1).Error!.Code);
        // The next commit replaces the damaged slot and continues the sequence from the one recovered.
        byte[] third = Full(3);
        Assert.AreEqual(2u, rebooted.Commit(third, 0, third.Length));
        Assert.IsTrue(new CheckpointStore(flash, ImageLimits.Default).TryReadLatest(out latest, out _));
        CollectionAssert.AreEqual(third, latest.Image);
        Assert.AreEqual(1, latest.Slot);
    }

    [TestMethod]
    public void TryReadLatest_RandomDamageToSlotBytes_NeverThrowsAndReturnsOnlyACommittedImage()
    {
        var flash = new FlashBlockStore(256, 16);
        var store = new CheckpointStore(flash, ImageLimits.Default);
        byte[] first = Full(1);
        byte[] second = Full(2);
        store.Commit(first, 0, first.Length);
        store.Commit(second, 0, second.Length);
        byte[] clean = flash.CopyContents();
        var rng = new Xoshiro128(31, 0);
        int found = 0;
        int none = 0;
        for (int trial = 0; trial < 1500; trial++)
        {
            byte[] damaged = (byte[])clean.Clone();
            int changes = 1 + (int)rng.NextBelow(3);
            for (int k = 0; k < changes; k++)
            {
                // Mostly the slot headers and commit words, sometimes anywhere.
                int slot = (int)rng.NextBelow(2) * store.SlotBytes;
                int at = rng.NextBit() ? slot + (int)rng.NextBelow(64) : (int)rng.NextBelow((uint)damaged.Length);
                damaged[at] = rng.NextBit() ? (byte)(damaged[at] ^ (1 << (int)rng.NextBelow(8))) : (byte)rng.NextUInt32();
            }

            flash.LoadContents(damaged);
            if (new CheckpointStore(flash, ImageLimits.Default).TryReadLatest(out CheckpointSlotInfo latest, out _))
            {
                Assert.IsTrue(latest.Image.AsSpan().SequenceEqual(second) || latest.Image.AsSpan().SequenceEqual(first), $"trial {trial}: recovered an image that was never committed");
                found++;
            }
            else
            {
                none++;
            }
        }

        Assert.IsTrue(found > 1000, $"{found} recovered, {none} not");
    }

    [TestMethod]
    public void Commit_InvalidOrOversizedImage_RefusedWithoutTouchingTheStore()
    {
        var flash = new FlashBlockStore(256, 8);
        var store = new CheckpointStore(flash, ImageLimits.Default);
        byte[] image = Full(1);
        byte[] corrupt = (byte[])image.Clone();
        corrupt[40] ^= 1;

        Assert.ThrowsExactly<ArgumentException>(() => store.Commit(corrupt, 0, corrupt.Length));
        var small = new CheckpointStore(new FlashBlockStore(256, 4), ImageLimits.Default);
        Assert.IsTrue(image.Length > small.Capacity);
        Assert.ThrowsExactly<ArgumentException>(() => small.Commit(image, 0, image.Length));
        Assert.AreEqual(0, flash.OperationBytes);
    }

    [TestMethod]
    public void FlashBlockStore_ProgramOfNonErasedByte_RefusedBeforeAnyChange()
    {
        var flash = new FlashBlockStore(16, 2);
        flash.Write(4, new byte[] { 1, 2 }, 0, 2);

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => flash.Write(3, new byte[] { 9, 9, 9 }, 0, 3));

        StringAssert.Contains(e.Message, "address 4");
        var back = new byte[4];
        flash.Read(2, back, 0, 4);
        CollectionAssert.AreEqual(new byte[] { 0xFF, 0xFF, 1, 2 }, back);
        flash.Erase(0);
        flash.Write(3, new byte[] { 9, 9, 9 }, 0, 3);
    }

    [TestMethod]
    public void FlashBlockStore_PowerCut_StopsAtTheScheduledByteAndRefusesUntilPowerReturns()
    {
        var flash = new FlashBlockStore(16, 2);
        flash.SchedulePowerCut(3, tear: false, seed: 1);

        Assert.ThrowsExactly<PowerCutException>(() => flash.Write(0, new byte[] { 1, 2, 3, 4, 5 }, 0, 5));
        Assert.IsTrue(flash.PowerLost);
        Assert.ThrowsExactly<PowerCutException>(() => flash.Read(0, new byte[1], 0, 1));
        flash.RestorePower();
        var back = new byte[5];
        flash.Read(0, back, 0, 5);
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3, 0xFF, 0xFF }, back);
        Assert.AreEqual(3, flash.OperationBytes);
    }

    [TestMethod]
    public void Commit_CutJustBeforeTheCommitWords_SlotIsNotCommittedAndPreviousIsRecovered()
    {
        var flash = new FlashBlockStore(256, 16);
        var store = new CheckpointStore(flash, ImageLimits.Default);
        byte[] first = Full(1);
        byte[] second = Full(2);
        store.Commit(first, 0, first.Length);
        long erase = (CheckpointStore.ImageOffset + second.Length + 255) / 256 * 256;
        flash.SchedulePowerCut(flash.OperationBytes + erase + second.Length + CheckpointStore.SlotHeaderSize, tear: false, seed: 1);

        Assert.ThrowsExactly<PowerCutException>(() => store.Commit(second, 0, second.Length));
        flash.RestorePower();
        var rebooted = new CheckpointStore(flash, ImageLimits.Default);

        var slot1 = rebooted.InspectSlot(1);
        Assert.AreEqual(CheckpointSlotState.Invalid, slot1.State);
        Assert.AreEqual(ImageErrorCode.SlotNotCommitted, slot1.Error!.Code);
        Assert.IsTrue(rebooted.TryReadLatest(out CheckpointSlotInfo latest, out _));
        CollectionAssert.AreEqual(first, latest.Image);
    }

    [TestMethod]
    public void EquilibriumPropagationCheckpoint_SaveTrainRestore_ResumesFromTheSavedState()
    {
        var store = new CheckpointStore(new FlashBlockStore(512, 16), ImageLimits.Default);
        var learner = TestImages.Learner(seed: 6);
        byte[] saved = EquilibriumPropagationImage.WriteFull(learner, null);
        Assert.AreEqual(1u, EquilibriumPropagationCheckpoint.Save(store, learner, null));
        var x = new short[16];
        for (int s = 0; s < 5; s++)
        {
            x[s] = 30000;
            learner.TrainSample(x, 0, s % 4);
        }

        Assert.IsTrue(EquilibriumPropagationCheckpoint.TryRestore(store, learner, out uint sequence, out ImageError error), error?.ToString());

        Assert.AreEqual(1u, sequence);
        CollectionAssert.AreEqual(saved, EquilibriumPropagationImage.WriteFull(learner, null));
    }

    [TestMethod]
    public void EquilibriumPropagationCheckpoint_NothingCommitted_RefusesAndLeavesLearner()
    {
        var store = new CheckpointStore(new FlashBlockStore(512, 16), ImageLimits.Default);
        var learner = TestImages.Learner(seed: 6);
        byte[] before = EquilibriumPropagationImage.WriteFull(learner, null);

        Assert.IsFalse(EquilibriumPropagationCheckpoint.TryRestore(store, learner, out _, out ImageError error));

        Assert.AreEqual(ImageErrorCode.NoCheckpoint, error.Code);
        CollectionAssert.AreEqual(before, EquilibriumPropagationImage.WriteFull(learner, null));
    }

    [TestMethod]
    public void FileBlockStore_Checkpoints_SurviveReopeningTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("checkpoints.bin");
        byte[] first = Full(1);
        byte[] second = Full(2);
        using (var file = FileBlockStore.Open(path, 1024, 8))
        {
            var store = new CheckpointStore(file, ImageLimits.Default);
            Assert.IsFalse(store.TryReadLatest(out _, out _));
            store.Commit(first, 0, first.Length);
            store.Commit(second, 0, second.Length);
        }

        Assert.AreEqual(8 * 1024, new System.IO.FileInfo(path).Length);
        using (var file = FileBlockStore.Open(path, 1024, 8))
        {
            Assert.IsTrue(new CheckpointStore(file, ImageLimits.Default).TryReadLatest(out CheckpointSlotInfo latest, out ImageError error), error?.ToString());
            CollectionAssert.AreEqual(second, latest.Image);
            Assert.AreEqual(2u, latest.Sequence);
        }

        Assert.ThrowsExactly<System.IO.InvalidDataException>(() => FileBlockStore.Open(path, 512, 8).Dispose());
    }
}
