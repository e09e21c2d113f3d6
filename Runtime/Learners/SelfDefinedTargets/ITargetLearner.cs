// ITargetLearner: a learner that trains towards an arbitrary target that may depend on its own response.
// A training step has two halves so that a target provider can look at the response first:
//   y = Respond(x)            forward pass / free phase, no learning
//   LearnTowards(target)      the update for that same sample (accumulated; applied per mini-batch)
// Implementations: DeltaRuleLearner (single layer, no relaxation) and EquilibriumPropagationTargetLearner
// (binary-weight or s8 Equilibrium Propagation).
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>A learner trained towards targets given after its response (see the file header).</summary>
    public interface ITargetLearner
    {
        /// <summary>Number of input values n_0 per sample.</summary>
        int InputSize { get; }

        /// <summary>Number of output neurons n_out.</summary>
        int OutputSize { get; }

        /// <summary>
        /// Response of the network to x (n_0 Q0.15 values from <paramref name="offset"/>; the array is referenced
        /// until the next call): n_out Q0.15 values from index 0 of the returned array, valid until the next call.
        /// Changes no parameter.
        /// </summary>
        short[] Respond(short[] x, int offset);

        /// <summary>
        /// Learns towards target[targetOffset .. +n_out) (Q0.15) for the sample given to the last
        /// <see cref="Respond"/>; the update is applied at the end of each mini-batch.
        /// </summary>
        void LearnTowards(short[] target, int targetOffset);

        /// <summary>Applies a partial mini-batch now.</summary>
        void EndBatch();

        /// <summary>Exact memory plan: parameters, learner state, scratch.</summary>
        MemoryPlan Memory { get; }
    }
}
