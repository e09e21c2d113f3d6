// SelfContrastiveForwardForwardLearner: Self-Contrastive Forward-Forward in fixed point (ALGORITHMS.md 3 and 6).
// Unsupervised, forward only, one layer at a time (greedy): layers below TrainingLayer are frozen and only run
// forward, layers above it are not touched.
//
// Per input x (no label):
//   pairs      positive [v1(x) | v2(x)], negative [v1(x) | v3(y)], y from a ring of recent inputs (SelfContrastivePairSource)
//   forward    both pairs through layers 0 .. T (SelfContrastiveForwardPass): s+, z+, G+ and s-, z-, G- of layer T
//   gates      gate+ = sigma(th1 - G+) - lambda,  gate- = sigma(G- - th2)         (LookupTables.LogisticQ15, Q0.15)
//   update     H+_j = gate+ relu(z+_j), H-_j = gate- relu(z-_j) (Q.39, exact), narrowed to s16 with one block exponent e;
//              M += H+ s+^T - H- s-^T  (contrastive outer-product kernel, shift 49 - e - FM; rows with H+ = H- = 0 skipped)
//              MB += H+ - H- rounded to units 2^-FM (the bias factor c_b enters the SGD rate)
//   per batch  Signum: W += step sign(M), b += step sign(MB); SGD: latent += M lr 2/(N B) (multiplier and shift), W = latent >> 16
//              then the momentum leak M <- M - (M >> k)
// See SelfContrastiveForwardForwardSettings for the formats and derivations. Deterministic for a seed; nothing is
// allocated after construction. Learner state is sized for the largest layer and reused when TrainingLayer moves
// on (the optimizer state of a finished layer is not needed any more: it is frozen).
//
// Learner buffers (T = training layer, rows n_{T+1}, cols n_T; sized for the largest layer):
//   _acc16 / _acc32  rows * cols   momentum accumulators M (one width in use)
//   _latent          rows * cols   Q.30 latent weights (SGD only)
//   _biasAcc         rows          bias momentum MB (s32)
//   _hPos, _hNeg     short[rows]   narrowed H+ and H- of the current sample
//   ring             R * n_0       recent inputs (SelfContrastivePairSource)
// State that decides future training (what a full model image saves, Runtime/Images/SelfContrastiveForwardForwardImage.cs):
// the network, the training layer T, the first n_{T+1} n_T accumulators, the first n_{T+1} bias accumulators, the
// first n_{T+1} n_T latent weights (SGD), the samples in the open batch, the pair source (ring, next slot, generators),
// and the counters (samples seen, goodness sums and pair count since ResetStatistics). Entries beyond the training
// layer's size are never read before StartLayer clears them; _hPos, _hNeg and the passes are scratch, and the Last*
// properties describe the last sample only.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward
{
    /// <summary>Unsupervised SCFF learner for a layered network with s16 weights.</summary>
    public sealed class SelfContrastiveForwardForwardLearner
    {
        private const int GateBits = 15;
        private const int ProductBits = GateBits + SelfContrastiveForwardForwardSettings.PreActivationFractionBits; // 39
        private const int OuterBits = ProductBits + SelfContrastiveForwardForwardSettings.InputFractionBits; // 49

        private readonly SelfContrastiveForwardForwardNetwork _network;
        private readonly SelfContrastiveForwardForwardSettings _settings;
        private readonly KernelSet _kernels;
        private readonly SelfContrastivePairSource _pairs;
        private readonly SelfContrastiveForwardPass _positive;
        private readonly SelfContrastiveForwardPass _negative;
        private readonly short[] _acc16;
        private readonly int[] _acc32;
        private readonly int[] _latent;
        private readonly int[] _biasAcc;
        private readonly short[] _hPos;
        private readonly short[] _hNeg;
        private readonly int _fm;
        private readonly int _leak;
        private int _layer;
        private int _inBatch;

        /// <summary>
        /// Creates a learner for <paramref name="network"/> (initialised or loaded) with validated <paramref name="settings"/>.
        /// <paramref name="imageWidth"/> is the width of image inputs (views shift along both axes) or 0 for frames.
        /// All learner memory is allocated here; training starts on layer 0.
        /// </summary>
        public SelfContrastiveForwardForwardLearner(SelfContrastiveForwardForwardNetwork network, SelfContrastiveForwardForwardSettings settings, KernelSet kernels, int imageWidth)
        {
            if (network == null)
            {
                throw new ArgumentNullException(nameof(network));
            }

            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            if (kernels == null)
            {
                throw new ArgumentNullException(nameof(kernels));
            }

            settings.Validate();
            _network = network;
            _settings = settings;
            _kernels = kernels;
            NetworkDescription d = network.Description;
            _pairs = new SelfContrastivePairSource(d.InputSize, imageWidth, settings.RingSize, settings.ViewShift, settings.Seed);
            _positive = new SelfContrastiveForwardPass(network, kernels, settings.StandardizeHalves);
            _negative = new SelfContrastiveForwardPass(network, kernels, settings.StandardizeHalves);
            int maxWeights = 0;
            int maxRows = 0;
            for (int l = 0; l < d.WeightLayerCount; l++)
            {
                if (d.WeightCount(l) > maxWeights)
                {
                    maxWeights = d.WeightCount(l);
                }

                if (d.Size(l + 1) > maxRows)
                {
                    maxRows = d.Size(l + 1);
                }
            }

            if (settings.AccumulatorBits == 16)
            {
                _acc16 = new short[maxWeights];
            }
            else
            {
                _acc32 = new int[maxWeights];
            }

            if (settings.Optimizer == ContrastiveOptimizer.SgdMomentum)
            {
                _latent = new int[maxWeights];
            }

            _biasAcc = new int[maxRows];
            _hPos = new short[maxRows];
            _hNeg = new short[maxRows];
            _fm = settings.AccumulatorFractionBits;
            _leak = settings.MomentumShift;
            StartLayer(0);
        }

        /// <summary>The network being trained.</summary>
        public SelfContrastiveForwardForwardNetwork Network
        {
            get { return _network; }
        }

        /// <summary>The settings in use.</summary>
        public SelfContrastiveForwardForwardSettings Settings
        {
            get { return _settings; }
        }

        /// <summary>The pair source (views and ring of recent inputs).</summary>
        public SelfContrastivePairSource Pairs
        {
            get { return _pairs; }
        }

        /// <summary>
        /// Layer being trained (0 .. L-1); layers below are frozen. Setting it applies a pending partial batch, then
        /// resets the optimizer state for the new layer (momentum cleared, SGD latent copied from its weights).
        /// </summary>
        public int TrainingLayer
        {
            get { return _layer; }
            set
            {
                if (value < 0 || value >= _network.LayerCount)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), "training layer " + value + " is outside [0, " + _network.LayerCount + ")");
                }

                EndBatch();
                StartLayer(value);
            }
        }

        /// <summary>Width of image inputs (views shift along both axes), 0 for frames.</summary>
        public int ImageWidth
        {
            get { return _pairs.ImageWidth; }
        }

        /// <summary>Samples trained so far (all layers).</summary>
        public long SamplesSeen { get; private set; }

        /// <summary>Positive-pair goodness G+ of the last sample (Q.12).</summary>
        public int LastPositiveGoodness { get; private set; }

        /// <summary>Negative-pair goodness G- of the last sample (Q.12; 0 without a negative).</summary>
        public int LastNegativeGoodness { get; private set; }

        /// <summary>Sum of G+ (Q.12) since <see cref="ResetStatistics"/>.</summary>
        public long PositiveGoodnessSum { get; private set; }

        /// <summary>Sum of G- (Q.12) since <see cref="ResetStatistics"/>.</summary>
        public long NegativeGoodnessSum { get; private set; }

        /// <summary>Samples with a negative pair since <see cref="ResetStatistics"/>.</summary>
        public long PairCount { get; private set; }

        /// <summary>Block exponent e of the last sample's narrowed gradient rows.</summary>
        public int LastBlockExponent { get; private set; }

        /// <summary>Exact memory plan: network parameters, learner state (accumulators, latent, ring), scratch (two passes, H rows).</summary>
        public MemoryPlan Memory
        {
            get
            {
                long state = _pairs.RingBytes + 4L * _biasAcc.Length;
                state += _acc16 != null ? 2L * _acc16.Length : 4L * _acc32.Length;
                if (_latent != null)
                {
                    state += 4L * _latent.Length;
                }

                long scratch = _positive.ScratchBytes + _negative.ScratchBytes + _pairs.ScratchBytes + 2L * (_hPos.Length + _hNeg.Length);
                return new MemoryPlan(_network.PersistentBytes, state, scratch);
            }
        }

        /// <summary>Momentum accumulator i of the training layer (raw integer, units 2^-FM).</summary>
        public int Accumulator(int index)
        {
            return _acc16 != null ? _acc16[index] : _acc32[index];
        }

        /// <summary>Bias momentum accumulator j of the training layer (raw integer, units 2^-FM).</summary>
        public int BiasAccumulator(int index)
        {
            return _biasAcc[index];
        }

        /// <summary>Q.30 latent weight i of the training layer (SGD only; 0 otherwise).</summary>
        public int Latent(int index)
        {
            return _latent != null ? _latent[index] : 0;
        }

        /// <summary>Clears the goodness statistics.</summary>
        public void ResetStatistics()
        {
            PositiveGoodnessSum = 0;
            NegativeGoodnessSum = 0;
            PairCount = 0;
        }

        /// <summary>
        /// Trains the current layer on one input (n_0 Q0.15 values at <paramref name="offset"/>); applies the accumulated
        /// update at the end of each mini-batch. The first input only fills the ring (it has no negative partner).
        /// </summary>
        public void TrainSample(short[] x, int offset)
        {
            _pairs.Next(x, offset);
            if (!_pairs.HasNegative)
            {
                return;
            }

            int t = _layer;
            _positive.Run(_pairs.View1, 0, _pairs.View2, 0, t);
            _negative.Run(_pairs.View1, 0, _pairs.NegativeView, 0, t);
            int gPos = _positive.Goodness(t);
            int gNeg = _negative.Goodness(t);
            LastPositiveGoodness = gPos;
            LastNegativeGoodness = gNeg;
            PositiveGoodnessSum += gPos;
            NegativeGoodnessSum += gNeg;
            PairCount++;

            int gatePos = LookupTables.LogisticQ15(Difference(_settings.Threshold1Q12(t), gPos)) - _settings.LambdaQ15(t);
            int gateNeg = LookupTables.LogisticQ15(Difference(gNeg, _settings.Threshold2Q12(t)));
            Accumulate(gatePos, gateNeg);

            SamplesSeen++;
            _inBatch++;
            if (_inBatch >= _settings.BatchSize)
            {
                EndBatch();
            }
        }

        /// <summary>Applies a partial mini-batch now (end of an epoch or of a stream segment).</summary>
        public void EndBatch()
        {
            if (_inBatch == 0)
            {
                return;
            }

            _inBatch = 0;
            int t = _layer;
            NetworkDescription d = _network.Description;
            int rows = d.Size(t + 1);
            int count = d.WeightCount(t);
            short[] w = _network.Weights[t];
            int[] bias = _network.Biases[t];
            if (_settings.Optimizer == ContrastiveOptimizer.Signum)
            {
                int step = _settings.SignStep(t);
                int biasStep = step << (SelfContrastiveForwardForwardSettings.PreActivationFractionBits - SelfContrastiveForwardForwardSettings.WeightFractionBits);
                for (int i = 0; i < count; i++)
                {
                    int m = _acc16 != null ? _acc16[i] : _acc32[i];
                    if (m != 0)
                    {
                        w[i] = FixedPoint.SaturateToS16(w[i] + (m > 0 ? step : -step));
                    }
                }

                for (int j = 0; j < rows; j++)
                {
                    int m = _biasAcc[j];
                    if (m != 0)
                    {
                        bias[j] = FixedPoint.SaturateToS32((long)bias[j] + (m > 0 ? biasStep : -biasStep));
                    }
                }
            }
            else
            {
                int shift;
                int multiplier = _settings.SgdMultiplier(t, rows, out shift);
                for (int i = 0; i < count; i++)
                {
                    long step = FixedPoint.RoundingShiftRight((long)_acc32[i] * multiplier, shift);
                    int latent = FixedPoint.SaturateToS32(_latent[i] + step);
                    _latent[i] = latent;
                    w[i] = FixedPoint.SaturateToS16(FixedPoint.RoundingShiftRight(latent, SelfContrastiveForwardForwardSettings.LatentExtraBits));
                }

                int biasShift;
                int biasMultiplier = _settings.SgdBiasMultiplier(t, rows, SelfContrastiveForwardForwardNetwork.BiasFactor(t), out biasShift);
                for (int j = 0; j < rows; j++)
                {
                    long step = FixedPoint.RoundingShiftRight((long)_biasAcc[j] * biasMultiplier, biasShift);
                    bias[j] = FixedPoint.SaturateToS32(bias[j] + step);
                }
            }

            if (_acc16 != null)
            {
                OuterProductKernels.LeakS16(_acc16, 0, count, _leak);
            }
            else
            {
                OuterProductKernels.LeakS32(_acc32, 0, count, _leak);
            }

            OuterProductKernels.LeakS32(_biasAcc, 0, rows, _leak);
        }

        // H+ = gate+ relu(z+), H- = gate- relu(z-) exactly in 64 bits, one block exponent for both, then the outer products.
        private void Accumulate(int gatePos, int gateNeg)
        {
            int t = _layer;
            NetworkDescription d = _network.Description;
            int rows = d.Size(t + 1);
            int cols = d.Size(t);
            int[] zPos = _positive.PreActivation(t);
            int[] zNeg = _negative.PreActivation(t);
            long max = 0;
            for (int j = 0; j < rows; j++)
            {
                long hp = zPos[j] > 0 ? (long)gatePos * zPos[j] : 0;
                long hn = zNeg[j] > 0 ? (long)gateNeg * zNeg[j] : 0;
                if (hp < 0)
                {
                    hp = -hp;
                }

                if (hp > max)
                {
                    max = hp;
                }

                if (hn > max)
                {
                    max = hn;
                }
            }

            int e = 0;
            while (e < 62 && FixedPoint.RoundingShiftRight(max, e) > short.MaxValue)
            {
                e++;
            }

            LastBlockExponent = e;
            int biasShift = ProductBits - _fm;
            for (int j = 0; j < rows; j++)
            {
                long hp = zPos[j] > 0 ? (long)gatePos * zPos[j] : 0;
                long hn = zNeg[j] > 0 ? (long)gateNeg * zNeg[j] : 0;
                _hPos[j] = (short)FixedPoint.RoundingShiftRight(hp, e);
                _hNeg[j] = (short)FixedPoint.RoundingShiftRight(hn, e);
                long biasStep = FixedPoint.RoundingShiftRight(hp - hn, biasShift);
                _biasAcc[j] = FixedPoint.SaturateToS32(_biasAcc[j] + biasStep);
            }

            int shift = OuterBits - e - _fm;
            short[] sPos = _positive.Input(t);
            short[] sNeg = _negative.Input(t);
            for (int j = 0; j < rows; j++)
            {
                if (_hPos[j] == 0 && _hNeg[j] == 0)
                {
                    continue;
                }

                if (_acc16 != null)
                {
                    _kernels.ContrastiveOuterAccumulateS16(_acc16, j * cols, _hPos, _hNeg, j, 1, sPos, sNeg, 0, cols, shift);
                }
                else
                {
                    _kernels.ContrastiveOuterAccumulateS32(_acc32, j * cols, _hPos, _hNeg, j, 1, sPos, sNeg, 0, cols, shift);
                }
            }
        }

        // Learner state for model images (Runtime/Images/SelfContrastiveForwardForwardImage.cs reads and overwrites these
        // in place). Null arrays are the width or optimizer not in use.
        internal short[] StateAccumulatorsS16
        {
            get { return _acc16; }
        }

        internal int[] StateAccumulatorsS32
        {
            get { return _acc32; }
        }

        internal int[] StateLatent
        {
            get { return _latent; }
        }

        internal int[] StateBiasAccumulators
        {
            get { return _biasAcc; }
        }

        internal int StateSamplesInBatch
        {
            get { return _inBatch; }
        }

        // Sets the training layer and counters after the state arrays were written (no StartLayer: that would clear
        // them). The last-sample diagnostics start again from 0, as in a new learner.
        internal void RestoreCounters(int layer, int samplesInBatch, long samplesSeen, long pairCount, long positiveSum, long negativeSum)
        {
            _layer = layer;
            _inBatch = samplesInBatch;
            SamplesSeen = samplesSeen;
            PairCount = pairCount;
            PositiveGoodnessSum = positiveSum;
            NegativeGoodnessSum = negativeSum;
            LastPositiveGoodness = 0;
            LastNegativeGoodness = 0;
            LastBlockExponent = 0;
        }

        private void StartLayer(int layer)
        {
            _layer = layer;
            _inBatch = 0;
            if (_acc16 != null)
            {
                Array.Clear(_acc16, 0, _acc16.Length);
            }
            else
            {
                Array.Clear(_acc32, 0, _acc32.Length);
            }

            Array.Clear(_biasAcc, 0, _biasAcc.Length);
            if (_latent != null)
            {
                short[] w = _network.Weights[layer];
                for (int i = 0; i < w.Length; i++)
                {
                    _latent[i] = w[i] << SelfContrastiveForwardForwardSettings.LatentExtraBits;
                }
            }
        }

        // a - b for Q.12 values, clamped to the int range (goodness can be large).
        private static int Difference(int a, int b)
        {
            return FixedPoint.SaturateToS32((long)a - b);
        }
    }
}
