// StackedTargetLearner: a frozen feature layer under a learning head, as one ITargetLearner:
//   Respond(x) = upper.Respond(lower.Respond(x))        LearnTowards(d) trains the upper learner only
// The lower learner is typically a layer trained before without labels by self-defined targets (its own
// SelfDefinedTargetsTrainer); the stack then lets a semi-supervised provider train a small head on its Q0.15
// responses, which is how a device adds labels to what it learnt from an unlabelled stream. Nothing is copied:
// the upper learner reads the lower learner's response buffer, which stays valid until the next Respond.
using System;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>A frozen lower learner feeding an upper learner that trains (see the file header).</summary>
    public sealed class StackedTargetLearner : ITargetLearner
    {
        private readonly ITargetLearner _lower;
        private readonly ITargetLearner _upper;

        /// <summary>Stacks <paramref name="upper"/> on <paramref name="lower"/>; the widths must match.</summary>
        public StackedTargetLearner(ITargetLearner lower, ITargetLearner upper)
        {
            if (lower == null)
            {
                throw new ArgumentNullException(nameof(lower));
            }

            if (upper == null)
            {
                throw new ArgumentNullException(nameof(upper));
            }

            if (lower.OutputSize != upper.InputSize)
            {
                throw new ArgumentException("the lower learner has " + lower.OutputSize + " outputs but the upper one takes " + upper.InputSize + " inputs", nameof(upper));
            }

            _lower = lower;
            _upper = upper;
        }

        /// <summary>The frozen lower learner.</summary>
        public ITargetLearner Lower
        {
            get { return _lower; }
        }

        /// <summary>The upper learner.</summary>
        public ITargetLearner Upper
        {
            get { return _upper; }
        }

        /// <inheritdoc />
        public int InputSize
        {
            get { return _lower.InputSize; }
        }

        /// <inheritdoc />
        public int OutputSize
        {
            get { return _upper.OutputSize; }
        }

        /// <summary>Both learners' plans; the lower learner's learner state counts too (it may learn again later).</summary>
        public MemoryPlan Memory
        {
            get
            {
                MemoryPlan l = _lower.Memory;
                MemoryPlan u = _upper.Memory;
                return new MemoryPlan(l.Persistent + u.Persistent, l.LearnerState + u.LearnerState, l.Scratch + u.Scratch);
            }
        }

        /// <inheritdoc />
        public short[] Respond(short[] x, int offset)
        {
            return _upper.Respond(_lower.Respond(x, offset), 0);
        }

        /// <inheritdoc />
        public void LearnTowards(short[] target, int targetOffset)
        {
            _upper.LearnTowards(target, targetOffset);
        }

        /// <inheritdoc />
        public void EndBatch()
        {
            _upper.EndBatch();
        }
    }
}
