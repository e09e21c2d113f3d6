// EquilibriumPropagationTargetLearner: binary-weight (or s8) Equilibrium Propagation as an ITargetLearner, so a
// self-defined target can drive it. Respond runs the free phase (EquilibriumPropagationLearner.BeginSample) and
// returns the output layer's free state; LearnTowards runs the nudged phase(s) towards the given target from that
// same free state (CompleteSample). The free phase is run once per sample, as in supervised EP.
// For an unsupervised output layer of N_out neurons the network is described with ClassCount = N_out and one
// neuron per class; the mapping from neurons to classes is done afterwards (DirectAssociation).
using System;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Adapts an <see cref="EquilibriumPropagationLearner"/> to <see cref="ITargetLearner"/>.</summary>
    public sealed class EquilibriumPropagationTargetLearner : ITargetLearner
    {
        private readonly EquilibriumPropagationLearner _learner;

        /// <summary>Wraps <paramref name="learner"/> (its network, settings and batch size stay as they are).</summary>
        public EquilibriumPropagationTargetLearner(EquilibriumPropagationLearner learner)
        {
            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            _learner = learner;
        }

        /// <summary>The wrapped learner.</summary>
        public EquilibriumPropagationLearner Learner
        {
            get { return _learner; }
        }

        /// <inheritdoc />
        public int InputSize
        {
            get { return _learner.InputSize; }
        }

        /// <inheritdoc />
        public int OutputSize
        {
            get { return _learner.Network.Description.OutputSize; }
        }

        /// <inheritdoc />
        public MemoryPlan Memory
        {
            get { return _learner.Memory; }
        }

        /// <summary>The free phase of x; returns the output layer's free state (internal state for binary activations).</summary>
        public short[] Respond(short[] x, int offset)
        {
            _learner.BeginSample(x, offset);
            return _learner.FreeOutputState;
        }

        /// <inheritdoc />
        public void LearnTowards(short[] target, int targetOffset)
        {
            _learner.CompleteSample(target, targetOffset);
        }

        /// <inheritdoc />
        public void EndBatch()
        {
            _learner.EndBatch();
        }
    }
}
