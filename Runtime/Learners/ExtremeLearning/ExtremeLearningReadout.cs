// ExtremeLearningReadout: the trained part of extreme learning (ALGORITHMS.md section 5) in fixed point. A fixed,
// untrained layer (the simulated MTJ array, or any random-feature layer) gives D features; this linear readout
// learns them by the delta rule (least mean squares on one-hot targets), one sample at a time, on device.
//
//   centre   f_j = x_j - 1/2                          x Q0.15 in [0, 1) (normaliser output) -> f Q0.15 in [-1/2, 1/2)
//   forward  y = W f + b                              W s16 Q3.12 (|W| < 8), f Q0.15 -> y s32 Q.27; b s32 Q.27
//   error    e_c = sat16(RoundingShiftRight(t_c - y_c, 12))     t one-hot, 1.0 = 2^27; e Q0.15 in [-1, 1)
//   update   L += RoundingShiftRight(e f^T, 6 + p)    L s32 Q8.24 latent weights (e f is Q.30; rate 2^-p)
//            W  = sat16(RoundingShiftRight(L, 12))    L clamped to the range W can express
//            b += RoundingShiftRight(e 2^12, p)
// Prediction is argmax_c y_c (the first on ties); TrainSample predicts before it updates (test-then-train).
// Centring keeps LMS well conditioned: features in [0, 1) share a mean of about 1/2 that would otherwise couple
// every weight to the bias. Worst case |y| <= 8 * D / 2 real; above 16 the s32 kernel saturates, which only
// happens if the weights diverge (a rate far above 2 / (D E[f^2])). Nothing is allocated after construction.
//
// Buffers (C classes, D features):
//   _weights short[C * D] row-major Q3.12, _biases int[C] Q.27          persistent
//   _latent  int[C * D] Q8.24                                          learner state
//   _features short[D], _outputs int[C], _errors short[C]              scratch
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.ExtremeLearning
{
    /// <summary>Fixed-point linear readout trained by the delta rule (see the file header).</summary>
    public sealed class ExtremeLearningReadout : ISupervisedLearner
    {
        /// <summary>Fractional bits of the s16 forward weights (Q3.12).</summary>
        public const int WeightFractionBits = 12;

        /// <summary>Fractional bits of the latent weights (Q8.24).</summary>
        public const int LatentFractionBits = 24;

        /// <summary>Fractional bits of outputs and biases (Q.27 = weights Q.12 times features Q.15).</summary>
        public const int OutputFractionBits = 27;

        private const int LatentToWeight = LatentFractionBits - WeightFractionBits;
        private const int LatentMax = short.MaxValue << LatentToWeight;
        private const int LatentMin = short.MinValue << LatentToWeight;
        private const int Half = 1 << 14;

        private readonly int _featureCount;
        private readonly int _classCount;
        private readonly KernelSet _kernels;
        private readonly short[] _weights;
        private readonly int[] _biases;
        private readonly int[] _latent;
        private readonly short[] _features;
        private readonly int[] _outputs;
        private readonly short[] _errors;
        private int _rateShift;

        /// <summary>
        /// Creates a readout of <paramref name="featureCount"/> inputs to <paramref name="classCount"/> classes, weights
        /// and biases 0, learning rate 2^-<paramref name="rateShift"/>.
        /// </summary>
        public ExtremeLearningReadout(int featureCount, int classCount, int rateShift, KernelSet kernels)
        {
            if (featureCount < 1 || featureCount > 65536)
            {
                throw new ArgumentOutOfRangeException(nameof(featureCount), "feature count must be in [1, 65536], got " + featureCount);
            }

            if (classCount < 2 || classCount > 4096)
            {
                throw new ArgumentOutOfRangeException(nameof(classCount), "class count must be in [2, 4096], got " + classCount);
            }

            if (kernels == null)
            {
                throw new ArgumentNullException(nameof(kernels));
            }

            _featureCount = featureCount;
            _classCount = classCount;
            _kernels = kernels;
            RateShift = rateShift;
            _weights = new short[classCount * featureCount];
            _biases = new int[classCount];
            _latent = new int[classCount * featureCount];
            _features = new short[featureCount];
            _outputs = new int[classCount];
            _errors = new short[classCount];
        }

        /// <inheritdoc />
        public int InputSize
        {
            get { return _featureCount; }
        }

        /// <inheritdoc />
        public int ClassCount
        {
            get { return _classCount; }
        }

        /// <summary>p of the learning rate 2^-p, in [1, 30]; may change between samples (a schedule: p + 1 halves the rate).</summary>
        public int RateShift
        {
            get
            {
                return _rateShift;
            }

            set
            {
                if (value < 1 || value > 30)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), "rate shift must be in [1, 30], got " + value);
                }

                _rateShift = value;
            }
        }

        /// <summary>Samples trained so far.</summary>
        public long SamplesSeen { get; private set; }

        /// <summary>Weights W, row-major C x D, Q3.12 (the array itself).</summary>
        public short[] Weights
        {
            get { return _weights; }
        }

        /// <summary>Biases b, Q.27 (the array itself).</summary>
        public int[] Biases
        {
            get { return _biases; }
        }

        /// <summary>Latent weights L, row-major C x D, Q8.24 (the array itself).</summary>
        public int[] Latent
        {
            get { return _latent; }
        }

        /// <summary>Outputs y (Q.27) of the last prediction or training step.</summary>
        public int[] Outputs
        {
            get { return _outputs; }
        }

        /// <summary>
        /// The default rate shift for <paramref name="featureCount"/> features: p = ceil(log2 D) - 1, a rate of about 2 / D,
        /// inside the LMS stability bound 2 / (D E[f^2]) for centred features in [-1/2, 1/2) (E[f^2] at most 1/4).
        /// </summary>
        public static int DefaultRateShift(int featureCount)
        {
            int p = 0;
            while (p < 30 && (1 << p) < featureCount)
            {
                p++;
            }

            return p - 1 < 1 ? 1 : p - 1;
        }

        /// <summary>Exact memory plan: weights and biases; latent weights; features, outputs and errors.</summary>
        public MemoryPlan Memory
        {
            get { return new MemoryPlan((2L * _weights.Length) + (4L * _biases.Length), 4L * _latent.Length, (2L * _features.Length) + (4L * _outputs.Length) + (2L * _errors.Length)); }
        }

        /// <inheritdoc />
        public int Predict(short[] x, int offset)
        {
            Forward(x, offset);
            return ActivationKernels.ArgMaxS32(_outputs, 0, _classCount);
        }

        /// <inheritdoc />
        public int TrainSample(short[] x, int offset, int label)
        {
            if (label < 0 || label >= _classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(label), "label " + label + " is outside [0, " + _classCount + ")");
            }

            Forward(x, offset);
            int prediction = ActivationKernels.ArgMaxS32(_outputs, 0, _classCount);
            const int One = 1 << OutputFractionBits;
            for (int c = 0; c < _classCount; c++)
            {
                long target = c == label ? One : 0;
                _errors[c] = FixedPoint.SaturateToS16((int)FixedPoint.RoundingShiftRight(target - _outputs[c], OutputFractionBits - FixedPoint.Q15Bits));
            }

            _kernels.OuterProductAccumulateS32(_latent, 0, _errors, 0, _classCount, _features, 0, _featureCount, (2 * FixedPoint.Q15Bits) - LatentFractionBits + _rateShift);
            for (int c = 0; c < _classCount; c++)
            {
                int row = c * _featureCount;
                for (int j = 0; j < _featureCount; j++)
                {
                    int l = _latent[row + j];
                    l = l > LatentMax ? LatentMax : l < LatentMin ? LatentMin : l;
                    _latent[row + j] = l;
                    _weights[row + j] = (short)FixedPoint.RoundingShiftRight(l, LatentToWeight);
                }

                long step = FixedPoint.RoundingShiftRight((long)_errors[c] << (OutputFractionBits - FixedPoint.Q15Bits), _rateShift);
                _biases[c] = FixedPoint.SaturateToS32(_biases[c] + step);
            }

            SamplesSeen++;
            return prediction;
        }

        /// <summary>Nothing to do: the delta rule applies every sample at once.</summary>
        public void EndBatch()
        {
        }

        // y = W (x - 1/2) + b into _outputs; the centred features stay in _features for the update.
        private void Forward(short[] x, int offset)
        {
            if (x == null)
            {
                throw new ArgumentNullException(nameof(x));
            }

            if (offset < 0 || offset > x.Length - _featureCount)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), "x[" + offset + " .. +" + _featureCount + ") exceeds length " + x.Length);
            }

            for (int j = 0; j < _featureCount; j++)
            {
                _features[j] = (short)(x[offset + j] - Half);
            }

            Array.Copy(_biases, _outputs, _classCount);
            _kernels.MatVecS16S32(_weights, 0, _features, 0, _classCount, _featureCount, _outputs, 0);
        }
    }
}
