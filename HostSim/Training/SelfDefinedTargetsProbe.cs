// SelfDefinedTargetsProbe: a linear probe on the frozen outputs of an sdt network, for comparison with direct
// association (ALGORITHMS.md 4b). The probe is itself a fixed-point delta-rule layer (N_out -> classes) trained
// with supervised targets on the responses of every training sample, computed once (Q0.15), so it runs the
// same runtime code a device would. Its learning rate is the normalised-LMS choice 1 / E||f||^2 over the
// training features (stable for any feature scale), rounded to a power of two by the delta rule's settings.
// Order: Xoshiro128(seed, stream 6). Prediction: the most active output.
using System;
using EdgeLearn.HostSim.Data;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;

namespace EdgeLearn.HostSim.Training;

/// <summary>Linear probe (fixed-point delta rule) on frozen sdt outputs.</summary>
public static class SelfDefinedTargetsProbe
{
    /// <summary>Generator stream of the probe's sample order.</summary>
    public const uint OrderStream = 6;

    /// <summary>
    /// Trains a probe for <paramref name="epochs"/> epochs on the responses of <paramref name="subject"/> and returns its
    /// test accuracy.
    /// </summary>
    public static double Run(FixedPointSelfDefinedTargetsSubject subject, LabelledDataSet data, int epochs, uint seed, KernelSet kernels)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(data);
        int m = subject.OutputSize;
        int n = data.Train.Count;
        short[] train = Features(subject, false, n, m);
        short[] test = Features(subject, true, data.Test.Count, m);
        double squares = 0;
        for (int i = 0; i < train.Length; i++)
        {
            double f = train[i] / 32768.0;
            squares += f * f;
        }

        double meanSquare = Math.Max(squares / Math.Max(1, n), 1e-6);
        var settings = new DeltaRuleSettings
        {
            BatchSize = 16,
            LearningRate = Math.Min(1.0, 1.0 / meanSquare),
            BiasLearningRate = Math.Min(0.05, 1.0 / meanSquare),
            Seed = seed,
        };
        var probe = new DeltaRuleLearner(m, data.ClassCount, settings, kernels);
        var trainer = new SelfDefinedTargetsTrainer(probe, new SupervisedTargetProvider(data.ClassCount, 1, 0));
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var rng = new Xoshiro128(seed, OrderStream);
        for (int e = 0; e < epochs; e++)
        {
            SupervisedTrainingLoop.Shuffle(order, rng);
            foreach (int i in order)
            {
                trainer.TrainSample(train, i * m, data.Train.Labels[i]);
            }

            trainer.EndBatch();
        }

        int right = 0;
        for (int i = 0; i < data.Test.Count; i++)
        {
            short[] y = probe.Respond(test, i * m);
            right += ActivationKernels.ArgMaxS16(y, 0, data.ClassCount) == data.Test.Labels[i] ? 1 : 0;
        }

        return data.Test.Count == 0 ? 0 : right / (double)data.Test.Count;
    }

    private static short[] Features(FixedPointSelfDefinedTargetsSubject subject, bool testPart, int count, int m)
    {
        var f = new short[(long)count * m];
        for (int i = 0; i < count; i++)
        {
            Array.Copy(subject.Respond(testPart, i), 0, f, (long)i * m, m);
        }

        return f;
    }
}
