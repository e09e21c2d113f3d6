using System;
using EdgeLearn.HostSim.ExtremeLearning;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;
using EdgeLearn.Runtime.Learners.ExtremeLearning;
using EdgeLearn.Tests.Learners;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using EdgeLearn.Tests.Support;

namespace EdgeLearn.Tests.ExtremeLearning;

[TestClass]
public sealed class ExtremeLearningReadoutTests
{
    [TestMethod]
    public void Readout_FirstStepFromZero_MatchesHandComputedIntegers()
    {
        // W = 0, b = 0, so y = 0 and e = (32767 for the label, 0 elsewhere) after rounding 2^27 >> 12 = 32768 -> saturated.
        var r = new ExtremeLearningReadout(3, 2, 4, KernelSet.Reference);
        short[] x = { 0, 16384, 32767 };                 // centred: -16384, 0, 16383
        Assert.AreEqual(0, r.TrainSample(x, 0, 1));      // all outputs 0: the first class wins the tie
        int e = 32767;
        int shift = 6 + 4;
        int[] expectedLatent =
        {
            0, 0, 0,
            (int)FixedPoint.RoundingShiftRight((long)e * -16384, shift), 0, (int)FixedPoint.RoundingShiftRight((long)e * 16383, shift),
        };
        CollectionAssert.AreEqual(expectedLatent, r.Latent);
        for (int i = 0; i < expectedLatent.Length; i++)
        {
            Assert.AreEqual((short)FixedPoint.RoundingShiftRight(expectedLatent[i], 12), r.Weights[i]);
        }

        CollectionAssert.AreEqual(new[] { 0, (int)FixedPoint.RoundingShiftRight((long)e << 12, 4) }, r.Biases);
        Assert.AreEqual(1, r.SamplesSeen);
    }

    [TestMethod]
    public void Readout_Trajectory_MatchesFloat64OracleWithinDerivedBound()
    {
        const int d = 16;
        const int c = 4;
        const int p = 5;
        const int steps = 300;
        var data = new SyntheticClusters(d, c, steps, 0.2, 3);
        var fixedPoint = new ExtremeLearningReadout(d, c, p, KernelSet.Reference);
        var oracle = new ReadoutOracle(d, c, p);
        double maxDiff = 0;
        int agree = 0;
        for (int s = 0; s < steps; s++)
        {
            int a = fixedPoint.TrainSample(data.Inputs, s * d, data.Labels[s]);
            int b = oracle.TrainSample(data.Inputs, s * d, data.Labels[s]);
            agree += a == b ? 1 : 0;
        }

        for (int i = 0; i < c * d; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((fixedPoint.Latent[i] / (double)(1 << 24)) - oracle.Weights[i]));
        }

        // Per step the fixed-point forward sees W rounded to 2^-12 (|dW| <= 2^-13 per weight, |f| <= 1/2), so
        // |dy| <= d 2^-14 and |de| <= d 2^-14 + 2^-15 (error rounding); the update lr e f then differs by at most
        // lr |de| / 2 + 2^-24 per weight. Without counting LMS's contraction, after T steps: T (that) + 2^-13.
        double lr = Math.ScaleB(1.0, -p);
        double bound = (steps * ((lr * ((d * Math.ScaleB(1.0, -14)) + Math.ScaleB(1.0, -15)) / 2) + Math.ScaleB(1.0, -24))) + Math.ScaleB(1.0, -13);
        Assert.IsTrue(maxDiff <= bound, $"max |W_fixed - W_oracle| = {maxDiff:E3} > derived bound {bound:E3}");
        Assert.IsTrue(agree >= steps - 3, $"predictions agreed on {agree} of {steps} steps");
    }

    [TestMethod]
    public void Readout_SyntheticClusters_LearnsThemLikeTheOracle()
    {
        const int d = 32;
        var train = new SyntheticClusters(d, 5, 3000, 0.3, 11);
        var test = new SyntheticClusters(d, 5, 1000, 0.3, 11);
        var r = new ExtremeLearningReadout(d, 5, ExtremeLearningReadout.DefaultRateShift(d), HostKernels.Best);
        var o = new ReadoutOracle(d, 5, ExtremeLearningReadout.DefaultRateShift(d));
        for (int s = 0; s < train.Count; s++)
        {
            r.TrainSample(train.Inputs, s * d, train.Labels[s]);
            o.TrainSample(train.Inputs, s * d, train.Labels[s]);
        }

        int right = 0;
        int oracleRight = 0;
        for (int s = 0; s < test.Count; s++)
        {
            right += r.Predict(test.Inputs, s * d) == test.Labels[s] ? 1 : 0;
            oracleRight += o.Predict(test.Inputs, s * d) == test.Labels[s] ? 1 : 0;
        }

        Assert.IsTrue(right >= 950, $"fixed point {right} / 1000");
        Assert.IsTrue(Math.Abs(right - oracleRight) <= 10, $"fixed point {right}, oracle {oracleRight}");
    }

    [TestMethod]
    public void Readout_TrainStep_AllocatesNothing()
    {
        var data = new SyntheticClusters(64, 10, 200, 0.2, 5);
        var r = new ExtremeLearningReadout(64, 10, 6, HostKernels.Best);
        r.TrainSample(data.Inputs, 0, data.Labels[0]);
        long allocated = AllocationMeter.FewestBytesPerRound(() =>
        {
            for (int s = 1; s < 200; s++)
            {
                r.TrainSample(data.Inputs, s * 64, data.Labels[s]);
                r.Predict(data.Inputs, s * 64);
            }
        });
        Assert.AreEqual(0L, allocated);
    }

    [TestMethod]
    public void Readout_BadArguments_ClearErrors()
    {
        var r = new ExtremeLearningReadout(4, 3, 4, KernelSet.Reference);
        var x = new short[4];
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => r.TrainSample(x, 0, 3)).Message, "label 3");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => r.TrainSample(x, 0, -1)).Message, "label -1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => r.Predict(x, 1)).Message, "x[1 .. +4)");
        Assert.ThrowsExactly<ArgumentNullException>(() => r.Predict(null!, 0));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => r.RateShift = 31).Message, "31");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ExtremeLearningReadout(0, 3, 4, KernelSet.Reference)).Message, "feature count");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ExtremeLearningReadout(4, 1, 4, KernelSet.Reference)).Message, "class count");
        Assert.ThrowsExactly<ArgumentNullException>(() => new ExtremeLearningReadout(4, 3, 4, null!));
        Assert.AreEqual(7, ExtremeLearningReadout.DefaultRateShift(256));
        Assert.AreEqual(7, ExtremeLearningReadout.DefaultRateShift(200));
        Assert.AreEqual(1, ExtremeLearningReadout.DefaultRateShift(2));
    }
}
