using System;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Learners;

[TestClass]
public sealed class SelfDefinedTargetsDirectAssociationTests
{
    [TestMethod]
    public void Assign_ByMeanNotSum_AndSilentNeuronGetsNoClass()
    {
        // Neuron 0 answers class 0 (mean 300) more than class 1 (sum 600 over 3 samples, mean 200); neuron 1 answers
        // class 1; neuron 2 never answers.
        var da = new DirectAssociation(3, 2);
        da.Observe(new short[] { 300, 0, 0 }, 0, 0);
        da.Observe(new short[] { 200, 50, 0 }, 0, 1);
        da.Observe(new short[] { 200, 60, 0 }, 0, 1);
        da.Observe(new short[] { 200, 70, 0 }, 0, 1);

        da.Assign();

        Assert.AreEqual(0, da.AssignedClass(0));
        Assert.AreEqual(1, da.AssignedClass(1));
        Assert.AreEqual(-1, da.AssignedClass(2));
        Assert.AreEqual(2, da.AssignedNeurons);
        Assert.AreEqual(4L, da.Observed);
    }

    [TestMethod]
    public void Predict_MeanOverAssignedNeurons_ClassWithoutNeuronsSkipped()
    {
        var da = new DirectAssociation(4, 3);
        da.Observe(new short[] { 100, 100, 0, 0 }, 0, 0); // neurons 0, 1 -> class 0
        da.Observe(new short[] { 0, 0, 100, 0 }, 0, 1);   // neuron 2 -> class 1; neuron 3 silent; class 2 unseen
        da.Assign();

        // class 0 mean (1000 + 0) / 2 = 500 < class 1 mean 600
        Assert.AreEqual(1, da.Predict(new short[] { 1000, 0, 600, 32767 }, 0));
        // class 0 mean (1000 + 400) / 2 = 700 > 600
        Assert.AreEqual(0, da.Predict(new short[] { 1000, 400, 600, 0 }, 0));
        Assert.AreEqual(0, da.NeuronsOfClass(2));
    }

    [TestMethod]
    public void Predict_NothingAssigned_ReturnsMinusOne()
    {
        var da = new DirectAssociation(2, 2);
        da.Assign();

        Assert.AreEqual(-1, da.Predict(new short[] { 5, 5 }, 0));
    }

    [TestMethod]
    public void RandomResponses_SameAssignmentsAndPredictionsAsFloatOracle()
    {
        const int n = 40;
        const int classes = 5;
        var da = new DirectAssociation(n, classes);
        var oracle = new DirectAssociationOracle(n, classes);
        var rng = new Xoshiro128(12, 3);
        var y = new short[n];
        var yd = new double[n];
        for (int s = 0; s < 300; s++)
        {
            int label = (int)rng.NextBelow(classes);
            Fill(y, yd, rng, label);
            da.Observe(y, 0, label);
            oracle.Observe(yd, label);
        }

        da.Assign();
        oracle.Assign();
        for (int j = 0; j < n; j++)
        {
            Assert.AreEqual(oracle.Assigned[j], da.AssignedClass(j), $"neuron {j}");
        }

        for (int s = 0; s < 200; s++)
        {
            Fill(y, yd, rng, (int)rng.NextBelow(classes));
            Assert.AreEqual(oracle.Predict(yd), da.Predict(y, 0), $"test sample {s}");
        }
    }

    [TestMethod]
    public void BadInput_ClearErrors()
    {
        var da = new DirectAssociation(3, 2);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => da.Observe(new short[3], 0, 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => da.Observe(new short[3], 1, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DirectAssociation(0, 2));
    }

    // Responses that prefer neurons label*8 .. label*8+7 (distinct random values: exact ties have probability ~0).
    private static void Fill(short[] y, double[] yd, Xoshiro128 rng, int label)
    {
        for (int j = 0; j < y.Length; j++)
        {
            int v = (int)rng.NextBelow(8000) + (j / 8 == label ? 12000 : 0);
            y[j] = (short)v;
            yd[j] = v / 32768.0;
        }
    }
}
