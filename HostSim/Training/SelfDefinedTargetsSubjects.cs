// SelfDefinedTargetsSubjects: what the sdt schedule trains and evaluates, once as the fixed-point runtime and once
// as its float64 oracle, behind one interface so both follow exactly the same schedule and sample order.
//   FixedPoint  Runtime SelfDefinedTargetsTrainer (delta rule or EP learner + target provider), DirectAssociation
//   Oracle      SelfDefinedTargetsOracle (float64 delta rule or EP oracle + target rule), DirectAssociationOracle
// Samples are addressed by index into the data set's train or test part; inputs are the Q0.15 grey levels
// (the oracle sees the same values as real numbers, q / 2^15).
using System;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;

namespace EdgeLearn.HostSim.Training;

/// <summary>A learner under the sdt schedule: train by index, evaluate by direct association or by class groups.</summary>
public interface ISelfDefinedTargetsSubject
{
    /// <summary>Output neurons.</summary>
    int OutputSize { get; }

    /// <summary>Trains on training sample <paramref name="index"/> with <paramref name="label"/> (-1 = unlabelled).</summary>
    void Train(int index, int label);

    /// <summary>Applies partial mini-batches (learner and homeostasis).</summary>
    void EndBatch();

    /// <summary>Resets the homeostasis (the paper's per-epoch reset).</summary>
    void ResetHomeostasis();

    /// <summary>Forgets the direct association's sums.</summary>
    void ClearAssociation();

    /// <summary>Adds training sample <paramref name="index"/> with its label to the direct association.</summary>
    void Observe(int index);

    /// <summary>Assigns classes to neurons; returns how many neurons got one.</summary>
    int Assign();

    /// <summary>Direct-association prediction of test sample <paramref name="index"/> (-1 when no neuron has a class).</summary>
    int PredictAssociated(int index);

    /// <summary>Prediction of test sample <paramref name="index"/> by the class group of G output neurons with the largest mean.</summary>
    int PredictGroup(int index, int neuronsPerClass);
}

/// <summary>The fixed-point runtime under the sdt schedule.</summary>
public sealed class FixedPointSelfDefinedTargetsSubject : ISelfDefinedTargetsSubject
{
    private readonly SelfDefinedTargetsTrainer trainer;
    private readonly SelfDefinedTargetProvider? selfDefined;
    private readonly LabelledDataSet data;
    private readonly short[] trainX;
    private readonly short[] testX;
    private readonly DirectAssociation association;

    /// <summary>Wraps a trainer; <paramref name="trainX"/> and <paramref name="testX"/> are the parts in Q0.15.</summary>
    public FixedPointSelfDefinedTargetsSubject(SelfDefinedTargetsTrainer trainer, SelfDefinedTargetProvider? selfDefined, LabelledDataSet data, short[] trainX, short[] testX)
    {
        this.trainer = trainer ?? throw new ArgumentNullException(nameof(trainer));
        this.selfDefined = selfDefined;
        this.data = data ?? throw new ArgumentNullException(nameof(data));
        this.trainX = trainX;
        this.testX = testX;
        association = new DirectAssociation(trainer.Learner.OutputSize, data.ClassCount);
    }

    /// <summary>The trainer.</summary>
    public SelfDefinedTargetsTrainer Trainer => trainer;

    /// <summary>The direct association.</summary>
    public DirectAssociation Association => association;

    /// <summary>The self-defined-target provider (its homeostasis), or null when the subject has none.</summary>
    public SelfDefinedTargetProvider? SelfDefined => selfDefined;

    /// <inheritdoc />
    public int OutputSize => trainer.Learner.OutputSize;

    /// <inheritdoc />
    public void Train(int index, int label) => trainer.TrainSample(trainX, index * data.Dimension, label);

    /// <inheritdoc />
    public void EndBatch() => trainer.EndBatch();

    /// <inheritdoc />
    public void ResetHomeostasis() => selfDefined?.Homeostasis.Reset();

    /// <inheritdoc />
    public void ClearAssociation() => association.Clear();

    /// <inheritdoc />
    public void Observe(int index) => association.Observe(Respond(false, index), 0, data.Train.Labels[index]);

    /// <inheritdoc />
    public int Assign()
    {
        association.Assign();
        return association.AssignedNeurons;
    }

    /// <inheritdoc />
    public int PredictAssociated(int index) => association.Predict(Respond(true, index), 0);

    /// <inheritdoc />
    public int PredictGroup(int index, int neuronsPerClass)
    {
        short[] y = Respond(true, index);
        int best = 0;
        long bestScore = long.MinValue;
        for (int c = 0; c < y.Length / neuronsPerClass; c++)
        {
            long score = 0;
            for (int j = c * neuronsPerClass; j < (c + 1) * neuronsPerClass; j++)
            {
                score += y[j];
            }

            if (score > bestScore)
            {
                bestScore = score;
                best = c;
            }
        }

        return best;
    }

    /// <summary>Response to a training or test sample (valid until the next call).</summary>
    public short[] Respond(bool test, int index) => trainer.Respond(test ? testX : trainX, index * data.Dimension);
}

/// <summary>The float64 oracle under the sdt schedule.</summary>
public sealed class OracleSelfDefinedTargetsSubject : ISelfDefinedTargetsSubject
{
    private readonly SelfDefinedTargetsOracle oracle;
    private readonly LabelledDataSet data;
    private readonly double[] input;
    private readonly DirectAssociationOracle association;

    /// <summary>Wraps an oracle for <paramref name="data"/>.</summary>
    public OracleSelfDefinedTargetsSubject(SelfDefinedTargetsOracle oracle, LabelledDataSet data)
    {
        this.oracle = oracle ?? throw new ArgumentNullException(nameof(oracle));
        this.data = data ?? throw new ArgumentNullException(nameof(data));
        input = new double[data.Dimension];
        association = new DirectAssociationOracle(oracle.Learner.OutputSize, data.ClassCount);
    }

    /// <summary>The oracle.</summary>
    public SelfDefinedTargetsOracle Oracle => oracle;

    /// <inheritdoc />
    public int OutputSize => oracle.Learner.OutputSize;

    /// <inheritdoc />
    public void Train(int index, int label) => oracle.TrainSample(Load(data.Train, index), label);

    /// <inheritdoc />
    public void EndBatch() => oracle.EndBatch();

    /// <inheritdoc />
    public void ResetHomeostasis() => oracle.Rule.Reset();

    /// <inheritdoc />
    public void ClearAssociation() => association.Clear();

    /// <inheritdoc />
    public void Observe(int index) => association.Observe(oracle.Learner.Respond(Load(data.Train, index)), data.Train.Labels[index]);

    /// <inheritdoc />
    public int Assign() => association.Assign();

    /// <inheritdoc />
    public int PredictAssociated(int index) => association.Predict(oracle.Learner.Respond(Load(data.Test, index)));

    /// <inheritdoc />
    public int PredictGroup(int index, int neuronsPerClass)
    {
        double[] y = oracle.Learner.Respond(Load(data.Test, index));
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < y.Length / neuronsPerClass; c++)
        {
            double score = 0;
            for (int j = c * neuronsPerClass; j < (c + 1) * neuronsPerClass; j++)
            {
                score += y[j];
            }

            if (score > bestScore)
            {
                bestScore = score;
                best = c;
            }
        }

        return best;
    }

    private double[] Load(LabelledDataPart part, int index)
    {
        int offset = index * data.Dimension;
        for (int j = 0; j < input.Length; j++)
        {
            input[j] = EquilibriumPropagationOracle.ScaleGreyLevel(part.Inputs[offset + j], EpInputScaling.Q15);
        }

        return input;
    }
}
