// FixedPointReadout: a linear classifier trained on device in fixed point, on any learner's features.
//
// Logistic regression trained by the delta rule, one sample at a time (a stream, or any fraction of labelled
// samples): scores o = V f + c, probabilities p through the logistic table, either one-vs-rest p_c = sigma(o_c) or
// softmax (Softmax, see SoftmaxErrors), error e_c = y_c - p_c (y one-hot), update V += lr e f^T, c += lr e (the
// gradient of the cross-entropy).
// Prediction is argmax_c o_c (the first on ties).
//
// Formats (Ff = feature fraction bits, e.g. 10 for SCFF's standardised features):
//   f   s16 Q.Ff          V  s16 Q.14 (|V| < 2), with a Q.30 latent copy (learner state)     c  s32 Q.(14 + Ff)
//   o   s32 Q.(14 + Ff)   sigma input Q.12 = RoundingShiftRight(o, 2 + Ff)                   e  s16 Q0.15 (y = 32767)
//   lr  2^-p (rounded to a power of two in log scale): latent += RoundingShiftRight(e f, p + Ff - 15) through the
//       outer-product kernel (so p >= 15 - Ff), c += RoundingShiftRight(e 2^(14 + Ff), 15 + p); then V = latent >> 16.
// Nothing is allocated after construction.
//
// Buffers: Weights short[C * D], Biases int[C] (persistent); _latent int[C * D] (learner state);
//          _scores int[C], _error short[C] (scratch).
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.Readout
{
    /// <summary>Linear one-vs-rest logistic readout trained by the delta rule in fixed point.</summary>
    public sealed class FixedPointReadout
    {
        /// <summary>Fractional bits of the readout weights (Q.14).</summary>
        public const int WeightFractionBits = 14;

        /// <summary>Extra fractional bits of the latent weights over the weights (latent Q.30, weights Q.14).</summary>
        public const int LatentExtraBits = 16;

        private readonly KernelSet _kernels;
        private readonly int[] _latent;
        private readonly int[] _scores;
        private readonly short[] _error;
        private readonly int[] _probability;
        private readonly int _featureBits;
        private int _rateShift;

        /// <summary>
        /// Creates a readout of <paramref name="featureCount"/> features in Q.<paramref name="featureFractionBits"/> to
        /// <paramref name="classCount"/> classes, weights and biases 0, learning rate <paramref name="learningRate"/>
        /// rounded to a power of two.
        /// </summary>
        public FixedPointReadout(int featureCount, int classCount, int featureFractionBits, double learningRate, KernelSet kernels)
        {
            if (featureCount < 1 || featureCount > 1 << 20)
            {
                throw new ArgumentOutOfRangeException(nameof(featureCount), "feature count must be in [1, 2^20], got " + featureCount);
            }

            if (classCount < 2 || classCount > 256)
            {
                throw new ArgumentOutOfRangeException(nameof(classCount), "class count must be in [2, 256], got " + classCount);
            }

            if (featureFractionBits < 0 || featureFractionBits > 15)
            {
                throw new ArgumentOutOfRangeException(nameof(featureFractionBits), "feature fraction bits must be in [0, 15], got " + featureFractionBits);
            }

            if (kernels == null)
            {
                throw new ArgumentNullException(nameof(kernels));
            }

            FeatureCount = featureCount;
            ClassCount = classCount;
            _featureBits = featureFractionBits;
            _kernels = kernels;
            Weights = new short[classCount * featureCount];
            Biases = new int[classCount];
            _latent = new int[classCount * featureCount];
            _scores = new int[classCount];
            _error = new short[classCount];
            _probability = new int[classCount];
            LearningRateShift = ShiftFor(learningRate);
        }

        /// <summary>Number of features D.</summary>
        public int FeatureCount { get; private set; }

        /// <summary>Number of classes C.</summary>
        public int ClassCount { get; private set; }

        /// <summary>Weights V, row-major C x D, Q.14.</summary>
        public short[] Weights { get; private set; }

        /// <summary>Biases c, Q.(14 + Ff).</summary>
        public int[] Biases { get; private set; }

        /// <summary>Fractional bits Ff of the features (and of the biases' Q.(14 + Ff) beyond the weights').</summary>
        public int FeatureFractionBits
        {
            get { return _featureBits; }
        }

        /// <summary>Samples trained so far.</summary>
        public long SamplesSeen { get; private set; }

        /// <summary>
        /// p of the learning rate 2^-p, in [15 - Ff, 40]; a schedule may change it between samples (p + 1 halves the rate).
        /// </summary>
        public int LearningRateShift
        {
            get { return _rateShift; }
            set
            {
                if (value < 15 - _featureBits || value > 40)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), "learning-rate shift " + value + " is outside [" + (15 - _featureBits) + ", 40] (rates 2^-" + (15 - _featureBits) + " .. 2^-40)");
                }

                _rateShift = value;
            }
        }

        /// <summary>The learning rate applied, 2^-p.</summary>
        public double EffectiveLearningRate
        {
            get { return Pow2(-_rateShift); }
        }

        /// <summary>Exact memory plan: weights and biases, latent weights, scores and errors.</summary>
        public MemoryPlan Memory
        {
            get { return new MemoryPlan(2L * Weights.Length + 4L * Biases.Length, 4L * _latent.Length, 4L * _scores.Length + 2L * _error.Length + 4L * _probability.Length); }
        }

        /// <summary>p with 2^-p nearest to <paramref name="learningRate"/> in log scale, for this readout's feature format.</summary>
        public int ShiftFor(double learningRate)
        {
            if (!(learningRate > 0 && learningRate <= Pow2(_featureBits - 15)))
            {
                throw new ArgumentOutOfRangeException(nameof(learningRate), "readout learning rate must be in (0, 2^-" + (15 - _featureBits) + "], got " + learningRate);
            }

            int p = 15 - _featureBits;
            while (p < 40 && Pow2(-p) > learningRate * 1.41421356)
            {
                p++;
            }

            return p;
        }

        /// <summary>Scores o (Q.(14 + Ff)) of the last <see cref="Predict"/> or <see cref="TrainSample"/> (valid until the next call).</summary>
        public int[] Scores
        {
            get { return _scores; }
        }

        /// <summary>Predicted class of the D features at <paramref name="offset"/> (argmax of the scores).</summary>
        public int Predict(short[] features, int offset)
        {
            Array.Copy(Biases, _scores, ClassCount);
            _kernels.MatVecS16S32(Weights, 0, features, offset, ClassCount, FeatureCount, _scores, 0);
            return ActivationKernels.ArgMaxS32(_scores, 0, ClassCount);
        }

        /// <summary>
        /// One delta-rule step on the D features at <paramref name="offset"/> with class <paramref name="label"/>;
        /// returns the class predicted before the step.
        /// </summary>
        public int TrainSample(short[] features, int offset, int label)
        {
            if (label < 0 || label >= ClassCount)
            {
                throw new ArgumentOutOfRangeException(nameof(label), "label " + label + " is outside [0, " + ClassCount + ")");
            }

            int prediction = Predict(features, offset);
            int toTable = 2 + _featureBits; // Q.(14 + Ff) -> Q.12
            if (Softmax)
            {
                SoftmaxErrors(label, toTable, prediction);
            }
            else
            {
                for (int c = 0; c < ClassCount; c++)
                {
                    int o = FixedPoint.RoundingShiftRight(_scores[c], toTable);
                    int p = LookupTables.LogisticQ15(o);
                    int y = c == label ? FixedPoint.Q15Max : 0;
                    _error[c] = (short)(y - p);
                }
            }

            _kernels.OuterProductAccumulateS32(_latent, 0, _error, 0, ClassCount, features, offset, FeatureCount, _rateShift + _featureBits - 15);
            int biasShift = 15 + _rateShift;
            for (int c = 0; c < ClassCount; c++)
            {
                long step = FixedPoint.RoundingShiftRight((long)_error[c] << (WeightFractionBits + _featureBits), biasShift);
                Biases[c] = FixedPoint.SaturateToS32(Biases[c] + step);
            }

            for (int i = 0; i < _latent.Length; i++)
            {
                Weights[i] = FixedPoint.SaturateToS16(FixedPoint.RoundingShiftRight(_latent[i], LatentExtraBits));
            }

            SamplesSeen++;
            return prediction;
        }

        /// <summary>
        /// Softmax cross-entropy instead of one-vs-rest logistic errors: p = softmax(o), e = y - p. Off by default.
        /// </summary>
        public bool Softmax { get; set; }

        // Softmax through the logistic table: with d = o_c - max o &lt;= 0, e^d = sigma(d) / sigma(-d) (both in Q0.15,
        // sigma(-d) &gt;= 1/2), one division per class; p_c = e^d_c / sum e^d, one more division per class. Below
        // d = -8 the table holds its end value, where e^d &lt; 3.4e-4 of the winner's term.
        private void SoftmaxErrors(int label, int toTable, int best)
        {
            int top = _scores[best];
            long sum = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                int d = FixedPoint.RoundingShiftRight(FixedPoint.SaturateToS32((long)_scores[c] - top), toTable);
                long num = LookupTables.LogisticQ15(d);
                long den = LookupTables.LogisticQ15(-d);
                int e = (int)((num << 15) / den); // e^d in Q0.15, at most 32768 (d = 0)
                _probability[c] = e;
                sum += e;
            }

            for (int c = 0; c < ClassCount; c++)
            {
                int p = (int)(((long)_probability[c] << 15) / sum);
                int y = c == label ? FixedPoint.Q15Max : 0;
                _error[c] = FixedPoint.SaturateToS16(y - p);
            }
        }

        /// <summary>
        /// Sets the weights (C x D, Q.14) and biases (C) to saved values, e.g. from a model image; the latent weights become
        /// the weights shifted left by 16 (their low bits are not saved), so training can go on from here.
        /// </summary>
        public void LoadParameters(short[] weights, int weightsOffset, int[] biases, int biasesOffset)
        {
            if (weights == null)
            {
                throw new ArgumentNullException(nameof(weights));
            }

            if (biases == null)
            {
                throw new ArgumentNullException(nameof(biases));
            }

            if (weightsOffset < 0 || weightsOffset > weights.Length - Weights.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(weightsOffset), Weights.Length + " weights from " + weightsOffset + " do not fit an array of " + weights.Length);
            }

            if (biasesOffset < 0 || biasesOffset > biases.Length - Biases.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(biasesOffset), Biases.Length + " biases from " + biasesOffset + " do not fit an array of " + biases.Length);
            }

            Array.Copy(weights, weightsOffset, Weights, 0, Weights.Length);
            Array.Copy(biases, biasesOffset, Biases, 0, Biases.Length);
            for (int i = 0; i < _latent.Length; i++)
            {
                _latent[i] = Weights[i] << LatentExtraBits;
            }
        }

        // Learner state for model images (Runtime/Images/SelfContrastiveForwardForwardImage.cs reads and overwrites these
        // in place): the Q.30 latent weights (Weights = SaturateToS16(RoundingShiftRight(latent, 16)) after every step)
        // and the sample count.
        internal int[] StateLatent
        {
            get { return _latent; }
        }

        internal void RestoreSamplesSeen(long samplesSeen)
        {
            SamplesSeen = samplesSeen;
        }

        /// <summary>Real value of weight (c, j).</summary>
        public double WeightValue(int c, int j)
        {
            return Weights[c * FeatureCount + j] / (double)(1 << WeightFractionBits);
        }

        private static double Pow2(int e)
        {
            double r = 1;
            for (int i = 0; i < (e >= 0 ? e : -e); i++)
            {
                r = e >= 0 ? r * 2 : r * 0.5;
            }

            return r;
        }
    }
}
