using System;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Tests.Images;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Checkpoints;

[TestClass]
public sealed class PowerCutTests
{
    private static readonly byte[][] States = CreateStates();

    private static byte[][] CreateStates()
    {
        // Four successive states of one small learner (8-12-4, 8-bit accumulators): full checkpoint images.
        var learner = TestImages.Learner(bits: 8, sizes: new[] { 8, 12, 4 }, seed: 12);
        var states = new byte[4][];
        var x = new short[8];
        for (int k = 0; k < states.Length; k++)
        {
            states[k] = EquilibriumPropagationImage.WriteFull(learner, null);
            x[k] = 20000;
            learner.TrainSample(x, 0, k % 4);
        }

        return states;
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(2)]
    public void Commit_PowerCutAtEveryOperationByte_RecoversExactlyThePreviousOrTheNewCheckpoint(int history)
    {
        byte[][] committed = States[..history];
        byte[] next = States[history];
        byte[] followUp = States[3];

        PowerCutSweepResult r = PowerCutSweep.Run(blockSize: 128, blockCount: 20, committed, next, followUp, seed: 77);

        string failures = string.Join(Environment.NewLine, r.FailureDescriptions);
        Assert.AreEqual(0, r.Failures, failures);
        // Erase of the blocks the image needs, then image + header + commit words programmed.
        long blocks = (64 + next.Length + 127) / 128;
        Assert.AreEqual(blocks * 128 + next.Length + 32 + 8, r.OperationBytesPerCommit);
        Assert.AreEqual(2 * r.OperationBytesPerCommit, r.CutsTried);
        Assert.AreEqual(r.CutsTried, r.RecoveredPrevious + r.RecoveredNew + r.RecoveredNothing);
        Assert.AreEqual(r.CutsTried, r.FollowUpsVerified);
        Assert.IsTrue(r.RecoveredNew <= 2, $"only a cut at (or tearing of) the last commit byte may leave the new checkpoint: {r.RecoveredNew}");
        if (history == 0)
        {
            Assert.AreEqual(0, r.RecoveredPrevious);
            Assert.IsTrue(r.RecoveredNothing >= r.CutsTried - 2);
        }
        else
        {
            Assert.AreEqual(0, r.RecoveredNothing);
            Assert.IsTrue(r.RecoveredPrevious >= r.CutsTried - 2);
        }
    }
}
