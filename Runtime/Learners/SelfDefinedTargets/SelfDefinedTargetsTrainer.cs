// SelfDefinedTargetsTrainer: one learning step of a target-driven learner, the same on a host and on a device:
//   y = learner.Respond(x);  provider.FillTarget(y, label -> d);  learner.LearnTowards(d)
// With a SelfDefinedTargetProvider this is unsupervised learning (Liu et al. 2024), with a
// SemiSupervisedTargetProvider semi-supervised learning from a stream where some samples carry labels.
// Mini-batches: the learner applies its update every B samples by itself and the homeostasis every B
// self-defined targets; EndBatch ends both early (end of an epoch or of a stream segment).
//
// Scratch: _target short[n_out] (the last target, Q0.15).
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Couples an <see cref="ITargetLearner"/> with an <see cref="ITargetProvider"/>.</summary>
    public sealed class SelfDefinedTargetsTrainer
    {
        private readonly ITargetLearner _learner;
        private readonly ITargetProvider _provider;
        private readonly short[] _target;

        /// <summary>Pairs a learner with a provider of the same output width.</summary>
        public SelfDefinedTargetsTrainer(ITargetLearner learner, ITargetProvider provider)
        {
            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            if (provider == null)
            {
                throw new ArgumentNullException(nameof(provider));
            }

            if (learner.OutputSize != provider.OutputSize)
            {
                throw new ArgumentException("the learner has " + learner.OutputSize + " outputs but the target provider makes targets for " + provider.OutputSize, nameof(provider));
            }

            _learner = learner;
            _provider = provider;
            _target = new short[learner.OutputSize];
        }

        /// <summary>The learner.</summary>
        public ITargetLearner Learner
        {
            get { return _learner; }
        }

        /// <summary>The target provider.</summary>
        public ITargetProvider Provider
        {
            get { return _provider; }
        }

        /// <summary>The target of the last trained sample (n_out Q0.15 values; live array).</summary>
        public short[] LastTarget
        {
            get { return _target; }
        }

        /// <summary>Samples trained with a target from their label.</summary>
        public long LabelledSamples { get; private set; }

        /// <summary>Samples trained with a self-defined target.</summary>
        public long UnlabelledSamples { get; private set; }

        /// <summary>Learner memory plus the provider's state and the target buffer.</summary>
        public MemoryPlan Memory
        {
            get
            {
                MemoryPlan l = _learner.Memory;
                MemoryPlan p = _provider.Memory;
                return new MemoryPlan(l.Persistent + p.Persistent, l.LearnerState + p.LearnerState, l.Scratch + p.Scratch + 2L * _target.Length);
            }
        }

        /// <summary>
        /// Trains on x (n_0 Q0.15 values from <paramref name="offset"/>) with <paramref name="label"/> (a class
        /// index, or -1 when unlabelled). Returns the most active output neuron before learning (first on ties).
        /// </summary>
        public int TrainSample(short[] x, int offset, int label)
        {
            short[] y = _learner.Respond(x, offset);
            int winner = ActivationKernels.ArgMaxS16(y, 0, _learner.OutputSize);
            if (_provider.FillTarget(y, 0, label, _target, 0))
            {
                LabelledSamples++;
            }
            else
            {
                UnlabelledSamples++;
            }

            _learner.LearnTowards(_target, 0);
            return winner;
        }

        /// <summary>The learner's response to x without learning (n_out Q0.15 values; valid until the next call).</summary>
        public short[] Respond(short[] x, int offset)
        {
            return _learner.Respond(x, offset);
        }

        /// <summary>Applies the partial mini-batch of the learner and of the homeostasis now.</summary>
        public void EndBatch()
        {
            _provider.EndBatch();
            _learner.EndBatch();
        }
    }
}
