// SemiSupervisedTargetProvider: the label's target when the sample has a label, the self-defined target when
// it has none (label -1). On a stream this is the whole semi-supervised rule: labelled samples when they come,
// unlabelled ones otherwise. Only self-defined targets reach the homeostasis, so labelled samples (whose
// classes the labeller, not the network, chose) do not bias the competition.
using System;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Labels when present, self-defined targets otherwise.</summary>
    public sealed class SemiSupervisedTargetProvider : ITargetProvider
    {
        private readonly SupervisedTargetProvider _supervised;
        private readonly SelfDefinedTargetProvider _selfDefined;

        /// <summary>Combines a supervised and a self-defined provider of the same output width.</summary>
        public SemiSupervisedTargetProvider(SupervisedTargetProvider supervised, SelfDefinedTargetProvider selfDefined)
        {
            if (supervised == null)
            {
                throw new ArgumentNullException(nameof(supervised));
            }

            if (selfDefined == null)
            {
                throw new ArgumentNullException(nameof(selfDefined));
            }

            if (supervised.OutputSize != selfDefined.OutputSize)
            {
                throw new ArgumentException("the supervised provider has " + supervised.OutputSize + " outputs but the self-defined one " + selfDefined.OutputSize, nameof(selfDefined));
            }

            _supervised = supervised;
            _selfDefined = selfDefined;
        }

        /// <summary>The provider of labelled samples.</summary>
        public SupervisedTargetProvider Supervised
        {
            get { return _supervised; }
        }

        /// <summary>The provider of unlabelled samples.</summary>
        public SelfDefinedTargetProvider SelfDefined
        {
            get { return _selfDefined; }
        }

        /// <inheritdoc />
        public int OutputSize
        {
            get { return _supervised.OutputSize; }
        }

        /// <inheritdoc />
        public MemoryPlan Memory
        {
            get { return _selfDefined.Memory; }
        }

        /// <summary>Label &gt;= 0: the supervised target (returns true); -1: the self-defined target (returns false).</summary>
        public bool FillTarget(short[] output, int outputOffset, int label, short[] target, int targetOffset)
        {
            if (label >= 0)
            {
                return _supervised.FillTarget(output, outputOffset, label, target, targetOffset);
            }

            if (label != -1)
            {
                throw new ArgumentOutOfRangeException(nameof(label), "label " + label + " is neither a class index nor -1 (unlabelled)");
            }

            return _selfDefined.FillTarget(output, outputOffset, label, target, targetOffset);
        }

        /// <inheritdoc />
        public void EndBatch()
        {
            _selfDefined.EndBatch();
        }
    }
}
