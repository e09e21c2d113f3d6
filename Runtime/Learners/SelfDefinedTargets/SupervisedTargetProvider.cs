// SupervisedTargetProvider: the ordinary supervised target, one-hot over classes repeated over the G output
// neurons of each class (class c owns neurons c G .. c G + G - 1), with the same optional smoothing as the
// self-defined target: (1 - s) + s G / N_out for the label's neurons, s G / N_out for the others (Q0.15).
using System;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Targets from labels (see the file header).</summary>
    public sealed class SupervisedTargetProvider : ITargetProvider
    {
        private readonly int _outputs;
        private readonly int _group;
        private readonly short _on;
        private readonly short _off;

        /// <summary>
        /// Creates the provider for <paramref name="outputs"/> neurons, <paramref name="neuronsPerClass"/> per class
        /// (a divisor of outputs), with label smoothing <paramref name="smoothing"/> in [0, 1).
        /// </summary>
        public SupervisedTargetProvider(int outputs, int neuronsPerClass, double smoothing)
        {
            if (outputs < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(outputs), "the output layer needs at least one neuron, got " + outputs);
            }

            if (neuronsPerClass < 1 || outputs % neuronsPerClass != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(neuronsPerClass), "output width " + outputs + " is not a positive multiple of " + neuronsPerClass + " neurons per class");
            }

            if (!(smoothing >= 0 && smoothing < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(smoothing), "smoothing must be in [0, 1), got " + smoothing);
            }

            _outputs = outputs;
            _group = neuronsPerClass;
            _on = SelfDefinedTargetSettings.SmoothedTargetQ15(true, smoothing, neuronsPerClass, outputs);
            _off = SelfDefinedTargetSettings.SmoothedTargetQ15(false, smoothing, neuronsPerClass, outputs);
        }

        /// <inheritdoc />
        public int OutputSize
        {
            get { return _outputs; }
        }

        /// <summary>Number of classes, n_out / G.</summary>
        public int ClassCount
        {
            get { return _outputs / _group; }
        }

        /// <summary>Output neurons per class G.</summary>
        public int NeuronsPerClass
        {
            get { return _group; }
        }

        /// <inheritdoc />
        public MemoryPlan Memory
        {
            get { return new MemoryPlan(0, 0, 0); }
        }

        /// <summary>Writes the target of class <paramref name="label"/>; throws when the label is outside [0, classes).</summary>
        public bool FillTarget(short[] output, int outputOffset, int label, short[] target, int targetOffset)
        {
            if (label < 0 || label >= ClassCount)
            {
                throw new ArgumentOutOfRangeException(nameof(label), "label " + label + " is outside [0, " + ClassCount + "); a supervised target needs a label");
            }

            for (int j = 0; j < _outputs; j++)
            {
                target[targetOffset + j] = j / _group == label ? _on : _off;
            }

            return true;
        }

        /// <inheritdoc />
        public void EndBatch()
        {
        }
    }
}
