using System;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using EdgeLearn.Tests.Support;

namespace EdgeLearn.Tests.Learners;

[TestClass]
public sealed class SelfDefinedTargetsDeltaRuleTests
{
    private static DeltaRuleSettings Settings(int batch = 4, double lr = 0.05) => new() { BatchSize = batch, LearningRate = lr, BiasLearningRate = lr, Seed = 3 };

    [TestMethod]
    public void Respond_RandomLayer_EqualsClampedAffineMapOfForwardWeightsWithinRounding()
    {
        var learner = new DeltaRuleLearner(20, 7, Settings(), KernelSet.Reference);
        var data = new SyntheticClusters(20, 3, 5, 0.3, 1);
        for (int s = 0; s < data.Count; s++)
        {
            short[] y = learner.Respond(data.Inputs, s * 20);
            for (int r = 0; r < 7; r++)
            {
                double pre = learner.Biases[r] / (double)(1 << 24);
                for (int c = 0; c < 20; c++)
                {
                    pre += learner.WeightValue(r, c) * data.Inputs[s * 20 + c] / 32768.0;
                }

                double expected = Math.Clamp(pre, 0, 32767 / 32768.0);
                Assert.AreEqual(expected, y[r] / 32768.0, 1.0 / 32768, $"sample {s}, output {r}");
            }
        }
    }

    [TestMethod]
    public void Initialize_Weights_AreUniformWithinFanInBound()
    {
        var learner = new DeltaRuleLearner(100, 50, Settings(), KernelSet.Reference);
        double bound = 1 / Math.Sqrt(100);
        double max = 0;
        double sum = 0;
        foreach (int v in learner.LatentWeights)
        {
            double w = v / (double)(1 << 24);
            max = Math.Max(max, Math.Abs(w));
            sum += w;
        }

        Assert.IsTrue(max <= bound + 1e-7 && max > 0.95 * bound, $"largest |w| {max}, bound {bound}");
        Assert.IsTrue(Math.Abs(sum / learner.LatentWeights.Length) < 0.01 * bound, "weights must be centred");
    }

    [TestMethod]
    public void LearnTowards_InsideBatch_ParametersChangeOnlyAtBatchEnd()
    {
        var learner = new DeltaRuleLearner(8, 3, Settings(batch: 3), KernelSet.Reference);
        var data = new SyntheticClusters(8, 3, 6, 0.3, 2);
        var target = new short[] { 32767, 0, 32767 };
        short[] before = (short[])learner.Weights.Clone();

        learner.Respond(data.Inputs, 0);
        learner.LearnTowards(target, 0);
        learner.Respond(data.Inputs, 8);
        learner.LearnTowards(target, 0);
        CollectionAssert.AreEqual(before, learner.Weights, "forward weights moved inside a mini-batch");

        learner.Respond(data.Inputs, 16);
        learner.LearnTowards(target, 0);
        CollectionAssert.AreNotEqual(before, learner.Weights, "the third sample ends the batch");
    }

    [TestMethod]
    public void LearnTowards_RepeatedTarget_OutputApproachesTarget()
    {
        var learner = new DeltaRuleLearner(16, 4, Settings(batch: 1, lr: 0.05), KernelSet.Reference);
        var data = new SyntheticClusters(16, 2, 1, 0.3, 5);
        short[] target = { 30000, 0, 16384, 1000 };
        double first = Distance(learner.Respond(data.Inputs, 0), target);
        for (int i = 0; i < 200; i++)
        {
            learner.Respond(data.Inputs, 0);
            learner.LearnTowards(target, 0);
        }

        double last = Distance(learner.Respond(data.Inputs, 0), target);
        Assert.IsTrue(last < 0.02 * first + 64, $"distance to target {first} -> {last}");
    }

    [TestMethod]
    public void SupervisedTargets_SeparableClusters_LearnAboveNinetyPercent()
    {
        var data = new SyntheticClusters(32, 4, 600, 0.25, 3);
        var learner = new DeltaRuleLearner(32, 4, Settings(batch: 8, lr: 0.1), KernelSet.Reference);
        var trainer = new SelfDefinedTargetsTrainer(learner, new SupervisedTargetProvider(4, 1, 0));
        for (int e = 0; e < 5; e++)
        {
            for (int i = 0; i < 400; i++)
            {
                trainer.TrainSample(data.Inputs, i * 32, data.Labels[i]);
            }

            trainer.EndBatch();
        }

        int right = 0;
        for (int i = 400; i < 600; i++)
        {
            right += ActivationKernels.ArgMaxS16(learner.Respond(data.Inputs, i * 32), 0, 4) == data.Labels[i] ? 1 : 0;
        }

        Assert.IsTrue(right / 200.0 >= 0.9, $"accuracy {right / 200.0:F3}");
        Assert.AreEqual(2000L, trainer.LabelledSamples);
    }

    [TestMethod]
    public void HostKernels_TrainingTrajectory_BitExactWithReference()
    {
        var data = new SyntheticClusters(70, 3, 64, 0.3, 6); // 70 columns: ragged tails for every vector width
        var reference = new DeltaRuleLearner(70, 37, Settings(batch: 5), KernelSet.Reference);
        var host = new DeltaRuleLearner(70, 37, Settings(batch: 5), HostKernels.Fastest);
        var targetA = new SelfDefinedTargetsTrainer(reference, new SelfDefinedTargetProvider(37, new SelfDefinedTargetSettings { Winners = 3, BatchSize = 5 }));
        var targetB = new SelfDefinedTargetsTrainer(host, new SelfDefinedTargetProvider(37, new SelfDefinedTargetSettings { Winners = 3, BatchSize = 5 }));
        for (int i = 0; i < data.Count; i++)
        {
            targetA.TrainSample(data.Inputs, i * 70, -1);
            targetB.TrainSample(data.Inputs, i * 70, -1);
        }

        CollectionAssert.AreEqual(reference.LatentWeights, host.LatentWeights);
        CollectionAssert.AreEqual(reference.Weights, host.Weights);
        CollectionAssert.AreEqual(reference.Biases, host.Biases);
        CollectionAssert.AreNotEqual(new DeltaRuleLearner(70, 37, Settings(batch: 5), KernelSet.Reference).LatentWeights, reference.LatentWeights);
    }

    [TestMethod]
    public void TrainSample_SteadyState_AllocatesNothing()
    {
        var data = new SyntheticClusters(64, 4, 40, 0.3, 7);
        var learner = new DeltaRuleLearner(64, 30, Settings(batch: 4), HostKernels.Best);
        var trainer = new SelfDefinedTargetsTrainer(learner, new SelfDefinedTargetProvider(30, new SelfDefinedTargetSettings { Winners = 2, BatchSize = 4 }));
        for (int i = 0; i < 8; i++)
        {
            trainer.TrainSample(data.Inputs, i * 64, -1);
        }

        long allocated = AllocationMeter.FewestBytesPerRound(() =>
        {
            for (int i = 8; i < data.Count; i++)
            {
                trainer.TrainSample(data.Inputs, i * 64, -1);
            }

            trainer.EndBatch();
        });
        Assert.AreEqual(0L, allocated);
    }

    [TestMethod]
    public void Memory_Plan_CountsEveryBuffer()
    {
        var learner = new DeltaRuleLearner(10, 4, Settings(), KernelSet.Reference);

        var plan = learner.Memory;

        Assert.AreEqual(2 * 40 + 4 * 4, plan.Persistent);       // s16 weights + Q8.24 biases
        Assert.AreEqual(4 * 40 + 4 * 4 + 4, plan.LearnerState);  // latent + bias steps + dirty flags
        Assert.AreEqual(4 * 4 + 2 * 4 + 2 * 4, plan.Scratch);    // pre-activations, outputs, errors
    }

    [TestMethod]
    public void BadUse_ClearErrors()
    {
        var learner = new DeltaRuleLearner(4, 2, Settings(), KernelSet.Reference);
        Assert.ThrowsExactly<InvalidOperationException>(() => learner.LearnTowards(new short[2], 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => learner.Respond(new short[6], 3));
        Assert.ThrowsExactly<ArgumentNullException>(() => learner.Respond(null!, 0));
        learner.Respond(new short[4], 0);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => learner.LearnTowards(new short[1], 0));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DeltaRuleLearner(4, 2, new DeltaRuleSettings { LearningRate = 0 }, KernelSet.Reference));
        Assert.AreEqual("LearningRate", e.ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => new SelfDefinedTargetsTrainer(learner, new SupervisedTargetProvider(3, 1, 0)));
    }

    [TestMethod]
    public void Stack_RespondAndLearn_UpperSeesLowerResponsesAndOnlyUpperLearns()
    {
        var data = new SyntheticClusters(12, 3, 40, 0.3, 8);
        var lower = new DeltaRuleLearner(12, 9, Settings(batch: 4), KernelSet.Reference);
        var upper = new DeltaRuleLearner(9, 3, new DeltaRuleSettings { BatchSize = 4, LearningRate = 0.2, BiasLearningRate = 0.05, Seed = 4 }, KernelSet.Reference);
        var twin = new DeltaRuleLearner(9, 3, new DeltaRuleSettings { BatchSize = 4, LearningRate = 0.2, BiasLearningRate = 0.05, Seed = 4 }, KernelSet.Reference);
        var stack = new StackedTargetLearner(lower, upper);
        var trainer = new SelfDefinedTargetsTrainer(stack, new SupervisedTargetProvider(3, 1, 0));
        int[] lowerBefore = (int[])lower.LatentWeights.Clone();
        var target = new short[3];
        for (int i = 0; i < data.Count; i++)
        {
            short[] features = (short[])lower.Respond(data.Inputs, i * 12).Clone();
            CollectionAssert.AreEqual(twin.Respond(features, 0), stack.Respond(data.Inputs, i * 12), $"sample {i}: the stack must answer upper(lower(x))");
            trainer.TrainSample(data.Inputs, i * 12, data.Labels[i]);
            new SupervisedTargetProvider(3, 1, 0).FillTarget(null!, 0, data.Labels[i], target, 0);
            twin.Respond(features, 0);
            twin.LearnTowards(target, 0);
        }

        CollectionAssert.AreEqual(lowerBefore, lower.LatentWeights, "the lower learner is frozen");
        CollectionAssert.AreEqual(twin.LatentWeights, upper.LatentWeights, "the upper learner learns exactly as on its own");
        Assert.AreEqual(12, stack.InputSize);
        Assert.AreEqual(3, stack.OutputSize);
        Assert.AreEqual(lower.Memory.Total + upper.Memory.Total, stack.Memory.Total);
        Assert.ThrowsExactly<ArgumentException>(() => new StackedTargetLearner(lower, new DeltaRuleLearner(8, 3, Settings(), KernelSet.Reference)));
    }

    [TestMethod]
    public void Settings_LearningRate_RoundsToPowerOfTwoOverSixtyFourB()
    {
        var s = new DeltaRuleSettings { BatchSize = 16, LearningRate = 0.03 };

        // lr / (64 B) = 2.93e-5, nearest power of two 2^-15 -> applied rate 64 * 16 / 32768 = 0.03125
        Assert.AreEqual(15, s.UpdateShift);
        Assert.AreEqual(0.03125, s.EffectiveLearningRate, 1e-12);
        Assert.AreEqual(0.03, s.EffectiveBiasLearningRate, 0.03 * 1e-4);
    }

    private static double Distance(short[] y, short[] t)
    {
        double d = 0;
        for (int i = 0; i < t.Length; i++)
        {
            d += Math.Abs(y[i] - t[i]);
        }

        return d;
    }
}
