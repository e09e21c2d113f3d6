// SemiSupervisedClassifier: a classifier that learns from labelled samples when they come and from unlabelled
// ones otherwise (ALGORITHMS.md section 4, "on a stream: labelled samples when they come, unlabelled otherwise").
// One step, the same for both kinds of sample:
//   y = learner.Respond(x)                          free phase / forward pass
//   prediction = argmax_c sum_{j in class c} y_j    class c owns output neurons c G .. c G + G - 1
//   d = label >= 0 ? one-hot(label) : kWTA(y - H)   SemiSupervisedTargetProvider (only self-defined targets move H)
//   learner.LearnTowards(d)
// With an EquilibriumPropagationTargetLearner and smoothing 0, a labelled step is bit for bit the step of
// EquilibriumPropagationLearner.TrainSample (the same one-hot target, the same free phase).
// Scratch: _target short[n_out] (the last target, Q0.15).
using System;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Semi-supervised classification on a stream (see the file header).</summary>
    public sealed class SemiSupervisedClassifier : ISupervisedLearner, IUnlabelledLearner
    {
        private readonly ITargetLearner _learner;
        private readonly SemiSupervisedTargetProvider _provider;
        private readonly short[] _target;
        private readonly int _classes;
        private readonly int _group;

        /// <summary>
        /// Wraps <paramref name="learner"/> whose n_out outputs are <paramref name="classes"/> groups of n_out / classes
        /// neurons; unlabelled samples get self-defined targets with <paramref name="selfDefined"/> (validated here;
        /// labelled targets are unsmoothed one-hot).
        /// </summary>
        public SemiSupervisedClassifier(ITargetLearner learner, int classes, SelfDefinedTargetSettings selfDefined)
        {
            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            if (classes < 1 || learner.OutputSize % classes != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(classes), "the learner's " + learner.OutputSize + " outputs are not a positive multiple of " + classes + " classes");
            }

            _learner = learner;
            _classes = classes;
            _group = learner.OutputSize / classes;
            _provider = new SemiSupervisedTargetProvider(
                new SupervisedTargetProvider(learner.OutputSize, _group, 0),
                new SelfDefinedTargetProvider(learner.OutputSize, selfDefined));
            _target = new short[learner.OutputSize];
        }

        /// <summary>The target provider (its self-defined part holds the homeostasis).</summary>
        public SemiSupervisedTargetProvider Provider
        {
            get { return _provider; }
        }

        /// <summary>The wrapped learner.</summary>
        public ITargetLearner Learner
        {
            get { return _learner; }
        }

        /// <inheritdoc />
        public int InputSize
        {
            get { return _learner.InputSize; }
        }

        /// <inheritdoc />
        public int ClassCount
        {
            get { return _classes; }
        }

        /// <summary>Samples learned with a label.</summary>
        public long LabelledSamples { get; private set; }

        /// <summary>Samples learned with a self-defined target.</summary>
        public long UnlabelledSamples { get; private set; }

        /// <summary>Learner memory, the homeostasis state and the target buffer.</summary>
        public MemoryPlan Memory
        {
            get
            {
                MemoryPlan l = _learner.Memory;
                MemoryPlan p = _provider.Memory;
                return new MemoryPlan(l.Persistent + p.Persistent, l.LearnerState + p.LearnerState, l.Scratch + p.Scratch + 2L * _target.Length);
            }
        }

        /// <summary>Learns from x towards class <paramref name="label"/>; returns the class predicted before learning.</summary>
        public int TrainSample(short[] x, int offset, int label)
        {
            if (label < 0 || label >= _classes)
            {
                throw new ArgumentOutOfRangeException(nameof(label), "label " + label + " is outside [0, " + _classes + ")");
            }

            return Step(x, offset, label);
        }

        /// <summary>
        /// Labelled samples to learn before unlabelled ones are learned from (a warm-up: until then an unlabelled
        /// sample is only predicted). Default 0.
        /// </summary>
        public long WarmUpLabelledSamples { get; set; }

        /// <summary>
        /// Learns from x with a self-defined target and returns true, or during the warm-up only predicts and returns
        /// false; <paramref name="prediction"/> is the class predicted before learning.
        /// </summary>
        public bool LearnUnlabelled(short[] x, int offset, out int prediction)
        {
            if (LabelledSamples < WarmUpLabelledSamples)
            {
                prediction = Predict(x, offset);
                return false;
            }

            prediction = Step(x, offset, -1);
            return true;
        }

        /// <summary>Predicted class of x (no parameter and no homeostasis changes).</summary>
        public int Predict(short[] x, int offset)
        {
            return ClassOf(_learner.Respond(x, offset));
        }

        /// <summary>Applies the partial mini-batch of the learner and of the homeostasis now.</summary>
        public void EndBatch()
        {
            _provider.EndBatch();
            _learner.EndBatch();
        }

        private int Step(short[] x, int offset, int label)
        {
            short[] y = _learner.Respond(x, offset);
            int prediction = ClassOf(y);
            if (_provider.FillTarget(y, 0, label, _target, 0))
            {
                LabelledSamples++;
            }
            else
            {
                UnlabelledSamples++;
            }

            _learner.LearnTowards(_target, 0);
            return prediction;
        }

        // The class whose neurons have the largest summed response (first class on ties).
        private int ClassOf(short[] y)
        {
            int best = 0;
            long bestSum = long.MinValue;
            for (int c = 0; c < _classes; c++)
            {
                long sum = 0;
                int start = c * _group;
                for (int j = 0; j < _group; j++)
                {
                    sum += y[start + j];
                }

                if (sum > bestSum)
                {
                    bestSum = sum;
                    best = c;
                }
            }

            return best;
        }
    }
}
