// ISupervisedLearner: what a host trainer, a field loop or a target provider needs from a learner.
namespace EdgeLearn.Runtime.Learners
{
    /// <summary>
    /// A learner that trains towards a target vector (a one-hot label or a self-defined target) one sample at a
    /// time, groups samples into mini-batches itself, and predicts without its learner state.
    /// Inputs are n_0 values in Q0.15 (see FixedPoint.UnitByteToQ15).
    /// </summary>
    public interface ISupervisedLearner
    {
        /// <summary>Number of input values per sample.</summary>
        int InputSize { get; }

        /// <summary>Number of classes.</summary>
        int ClassCount { get; }

        /// <summary>
        /// Trains on one sample towards class <paramref name="label"/>; applies the accumulated update at the end
        /// of each mini-batch. Returns the class predicted by the free phase before learning.
        /// </summary>
        int TrainSample(short[] x, int offset, int label);

        /// <summary>Applies a partial mini-batch now (end of an epoch or of a stream segment).</summary>
        void EndBatch();

        /// <summary>Predicted class of one sample (inference only; learner state untouched).</summary>
        int Predict(short[] x, int offset);
    }
}
