// ITargetProvider: where a learner's target comes from (ALGORITHMS.md section 4). A learner that can train
// towards an arbitrary target (ITargetLearner) becomes supervised, unsupervised or semi-supervised by the
// provider it is paired with:
//   SupervisedTargetProvider      the label, one-hot over classes (repeated over G neurons per class)
//   SelfDefinedTargetProvider     k-WTA over the network's own output minus homeostasis (no label needed)
//   SemiSupervisedTargetProvider  the label when the sample has one, the self-defined target otherwise
// Targets and outputs are Q0.15 (0 .. 32767). Providers allocate at construction only.
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Defines the training target of one sample from the learner's response and an optional label.</summary>
    public interface ITargetProvider
    {
        /// <summary>Number of output neurons n_out the targets are made for.</summary>
        int OutputSize { get; }

        /// <summary>
        /// Writes the target of one sample to target[targetOffset .. +n_out) (Q0.15), given the learner's response
        /// output[outputOffset .. +n_out) before learning (Q0.15) and its <paramref name="label"/> (a class index, or
        /// -1 when the sample is unlabelled). Returns true when the target came from the label. May update the
        /// provider's own state (homeostasis) as part of the step.
        /// </summary>
        bool FillTarget(short[] output, int outputOffset, int label, short[] target, int targetOffset);

        /// <summary>Ends a partial mini-batch now (end of an epoch or of a stream segment).</summary>
        void EndBatch();

        /// <summary>Exact bytes of the provider's state (learner state; nothing persistent) and scratch.</summary>
        MemoryPlan Memory { get; }
    }
}
