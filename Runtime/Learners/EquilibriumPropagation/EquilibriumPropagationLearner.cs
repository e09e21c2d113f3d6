// EquilibriumPropagationLearner: binary-weight Equilibrium Propagation in fixed point (ALGORITHMS.md 1, 2, 6).
//
// Per sample: input projection once; free phase (T steps from the reset state) -> s0; nudged phases
// (K steps each) from s0: +beta -> s+ and -beta -> s- (symmetric nudging), or one phase with the batch's
// random sign. The EP estimate of each weight layer, C = v+_{l+1} v+_l^T - v-_{l+1} v-_l^T (v = outputs,
// the input for l = 0), goes straight into the layer's learning state through the contrastive outer-product
// kernel, so a mini-batch needs no per-sample storage:
//   binary weights: BOP accumulators M (s8/s16/s32; 8-bit ones add each sample's increment with stochastic
//                   rounding, see OuterProductKernels.ContrastiveOuterAccumulateS8Dithered, since increments are
//                   about one LSB there); once per mini-batch: flip, then leak for the next batch,
//                   so M_t = (1 - gamma) M_{t-1} + C_t exactly as m_t = (1 - gamma) m_{t-1} + gamma g_t (see the settings)
//   s8 weights:     a Q16 latent copy moved by SGD, re-quantised to s8 by stochastic rounding per batch
// Biases move by SGD on v+_{l+1} - v-_{l+1} in Q8.24, summed over the mini-batch and applied with the weights
// at its end, so every prediction inside a batch sees the parameters of the previous batch. Deterministic for a seed; nothing is allocated
// after construction.
//
// Learner buffers (l = weight layer 0 .. L-1, rows n_{l+1}, cols n_l):
//   _acc8/_acc16/_acc32[l]  n_{l+1} * n_l    BOP accumulators (binary weights; one width in use)
//   _latent[l]              n_{l+1} * n_l    Q16 latent weights in units alpha_l / 32 (s8 weights)
//   _free, _plus, _minus    short[L+1][n_l]  saved internal free state and the outputs of the two nudged phases
//   _target                 short[n_L]       Q0.15 target
//   _biasDelta[l]           int[n_{l+1}]     bias steps of the current mini-batch (Q8.24)
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.EquilibriumPropagation
{
    /// <summary>Binary-weight (or s8-weight) Equilibrium Propagation learner in fixed point.</summary>
    public sealed class EquilibriumPropagationLearner : ISupervisedLearner
    {
        private readonly EquilibriumPropagationNetwork _network;
        private readonly EquilibriumPropagationSettings _settings;
        private readonly KernelSet _kernels;
        private readonly EquilibriumPropagationRelaxation _relaxation;
        private readonly Xoshiro128 _signs;
        private readonly Xoshiro128 _rounding;
        private readonly int _layers;
        private readonly int _betaQ12;
        private readonly int[] _shift;
        private readonly int[] _threshold;
        private readonly int[] _leak;
        private readonly int[] _biasMultiplier;
        private readonly sbyte[][] _acc8;
        private readonly short[][] _acc16;
        private readonly int[][] _acc32;
        private readonly int[][] _latent;
        private readonly int[][] _biasDelta;
        private readonly short[][] _free;
        private readonly short[][] _freeOutputs;
        private readonly short[][] _plus;
        private readonly short[][] _minus;
        private readonly short[] _target;
        private int _inBatch;
        private uint _sampleDither;
        private int _batchSign = 1;
        private bool _pending;

        /// <summary>
        /// Creates a learner for <paramref name="network"/> (already initialised or loaded) with validated
        /// <paramref name="settings"/>; all learner memory is allocated here.
        /// </summary>
        public EquilibriumPropagationLearner(EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings, KernelSet kernels)
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
            if (settings.WeightFormat != network.WeightFormat || settings.ActivationFormat != network.ActivationFormat)
            {
                throw new ArgumentException("settings ask for " + settings.WeightFormat + "/" + settings.ActivationFormat + " but the network is " + network.WeightFormat + "/" + network.ActivationFormat, nameof(settings));
            }

            _network = network;
            _settings = settings;
            _kernels = kernels;
            _relaxation = new EquilibriumPropagationRelaxation(network, kernels, settings.NudgePlacement);
            _signs = new Xoshiro128(settings.Seed, SignStream);
            _rounding = new Xoshiro128(settings.Seed, RoundingStream);
            NetworkDescription d = network.Description;
            _layers = d.WeightLayerCount;
            _betaQ12 = settings.BetaQ12;
            _shift = new int[_layers];
            _threshold = new int[_layers];
            _leak = new int[_layers];
            _biasMultiplier = new int[_layers];
            bool binaryWeights = network.WeightFormat == WeightFormat.B1;
            if (binaryWeights)
            {
                if (settings.AccumulatorBits == 8)
                {
                    _acc8 = new sbyte[_layers][];
                }
                else if (settings.AccumulatorBits == 16)
                {
                    _acc16 = new short[_layers][];
                }
                else
                {
                    _acc32 = new int[_layers][];
                }
            }
            else
            {
                _latent = new int[_layers][];
            }

            for (int l = 0; l < _layers; l++)
            {
                int count = d.WeightCount(l);
                _biasMultiplier[l] = settings.BiasMultiplier(l);
                if (binaryWeights)
                {
                    _shift[l] = settings.BopShift(l);
                    _threshold[l] = settings.BopThreshold(l);
                    _leak[l] = settings.BopLeakShift(l);
                    if (_acc8 != null)
                    {
                        _acc8[l] = new sbyte[count];
                    }
                    else if (_acc16 != null)
                    {
                        _acc16[l] = new short[count];
                    }
                    else
                    {
                        _acc32[l] = new int[count];
                    }
                }
                else
                {
                    _shift[l] = settings.LatentShift(l, network.AlphaQ15[l]);
                    int[] latent = new int[count];
                    sbyte[] w = network.Weights[l];
                    for (int i = 0; i < count; i++)
                    {
                        latent[i] = w[i] << 16;
                    }

                    _latent[l] = latent;
                }
            }

            _free = AllocateStates(d);
            _freeOutputs = AllocateStates(d);
            _plus = AllocateStates(d);
            _minus = AllocateStates(d);
            _target = new short[d.OutputSize];
            _biasDelta = new int[_layers][];
            for (int l = 0; l < _layers; l++)
            {
                _biasDelta[l] = new int[d.Size(l + 1)];
            }
        }

        /// <summary>Generator stream of the random nudge signs (one NextBit per mini-batch); oracles use the same.</summary>
        public const uint SignStream = 1;

        /// <summary>Generator stream of the stochastic rounding of s8 weights.</summary>
        public const uint RoundingStream = 3;

        /// <summary>The network being trained.</summary>
        public EquilibriumPropagationNetwork Network
        {
            get { return _network; }
        }

        /// <summary>The settings in use.</summary>
        public EquilibriumPropagationSettings Settings
        {
            get { return _settings; }
        }

        /// <inheritdoc />
        public int InputSize
        {
            get { return _network.Description.InputSize; }
        }

        /// <inheritdoc />
        public int ClassCount
        {
            get { return _network.Description.ClassCount; }
        }

        /// <summary>Weight flips applied so far (binary weights).</summary>
        public long Flips { get; private set; }

        /// <summary>Samples trained so far.</summary>
        public long SamplesSeen { get; private set; }

        /// <summary>BOP product shift S of weight layer l (binary weights) or latent shift (s8 weights).</summary>
        public int UpdateShift(int layer)
        {
            return _shift[layer];
        }

        /// <summary>Integer BOP flip threshold of weight layer l (binary weights).</summary>
        public int FlipThreshold(int layer)
        {
            return _threshold[layer];
        }

        /// <summary>Exact memory plan: network parameters, learner state, scratch (relaxation and phase buffers).</summary>
        public MemoryPlan Memory
        {
            get
            {
                long state = 0;
                long scratch = _relaxation.ScratchBytes + 2L * _target.Length;
                for (int l = 0; l < _layers; l++)
                {
                    long count = _network.Description.WeightCount(l);
                    state += _latent != null ? 4 * count : count * _settings.AccumulatorBits / 8;
                    state += 4L * _biasDelta[l].Length;
                }

                for (int l = 1; l <= _layers; l++)
                {
                    scratch += 4L * 2 * _free[l].Length;
                }

                return new MemoryPlan(_network.PersistentBytes, state, scratch);
            }
        }

        /// <inheritdoc />
        public int TrainSample(short[] x, int offset, int label)
        {
            if (label < 0 || label >= ClassCount)
            {
                throw new ArgumentOutOfRangeException(nameof(label), "label " + label + " is outside [0, " + ClassCount + ")");
            }

            int g = _network.Description.NeuronsPerClass;
            for (int i = 0; i < _target.Length; i++)
            {
                _target[i] = i / g == label ? FixedPoint.Q15Max : (short)0;
            }

            return TrainTowards(x, offset, _target, 0);
        }

        /// <summary>
        /// Trains on one sample towards an arbitrary Q0.15 target of n_L values (self-defined targets use this).
        /// Returns the free-phase prediction. Equal to <see cref="BeginSample"/> then <see cref="CompleteSample"/>.
        /// </summary>
        public int TrainTowards(short[] x, int offset, short[] target, int targetOffset)
        {
            int prediction = BeginSample(x, offset);
            CompleteSample(target, targetOffset);
            return prediction;
        }

        /// <summary>
        /// First half of a training step, for targets that depend on the network's own response (self-defined
        /// targets): runs the free phase of x (n_0 Q0.15 values from <paramref name="offset"/>; referenced until
        /// <see cref="CompleteSample"/>), leaves its output state in <see cref="FreeOutputState"/> and returns the
        /// free-phase prediction. Changes no parameter and no learner state; <see cref="Predict"/> cancels it.
        /// </summary>
        public int BeginSample(short[] x, int offset)
        {
            EquilibriumPropagationRelaxation r = _relaxation;
            r.SetInput(x, offset);
            r.Reset();
            r.Relax(_settings.FreeSteps, 0, _target, 0);
            int prediction = r.PredictClass();
            r.SaveStates(_free);
            r.FreezeNudgeReference();
            _pending = true;
            return prediction;
        }

        /// <summary>
        /// Internal state of the output layer at the end of the last <see cref="BeginSample"/> (n_L Q0.15 values;
        /// equal to the output for multi-bit activations). Valid until the next BeginSample.
        /// </summary>
        public short[] FreeOutputState
        {
            get { return _free[_layers]; }
        }

        /// <summary>
        /// Second half of a training step: the nudged phase(s) of the sample given to <see cref="BeginSample"/>
        /// towards <paramref name="target"/> (n_L Q0.15 values), the EP estimate accumulated, and the mini-batch
        /// applied when it is full. Throws <see cref="InvalidOperationException"/> without a pending sample.
        /// </summary>
        public void CompleteSample(short[] target, int targetOffset)
        {
            if (!_pending)
            {
                throw new InvalidOperationException("CompleteSample needs a sample started by BeginSample (and no Predict in between)");
            }

            _pending = false;
            if (_inBatch == 0 && _settings.Nudging == NudgingMode.RandomSign)
            {
                _batchSign = _signs.NextBit() ? 1 : -1;
            }

            EquilibriumPropagationRelaxation r = _relaxation;
            if (_settings.Nudging == NudgingMode.Symmetric)
            {
                r.Relax(_settings.NudgedSteps, _betaQ12, target, targetOffset);
                r.SaveOutputs(_plus);
                r.RestoreStates(_free);
                r.Relax(_settings.NudgedSteps, -_betaQ12, target, targetOffset);
                r.SaveOutputs(_minus);
                Accumulate(_plus, _minus);
            }
            else
            {
                r.SaveOutputs(_freeOutputs);
                r.Relax(_settings.NudgedSteps, _batchSign * _betaQ12, target, targetOffset);
                r.SaveOutputs(_plus);
                // One-sided estimate (v^beta v^beta - v0 v0) / beta: for a negative beta the roles swap.
                if (_batchSign > 0)
                {
                    Accumulate(_plus, _freeOutputs);
                }
                else
                {
                    Accumulate(_freeOutputs, _plus);
                }
            }

            SamplesSeen++;
            _inBatch++;
            if (_inBatch >= _settings.BatchSize)
            {
                EndBatch();
            }
        }

        /// <inheritdoc />
        public void EndBatch()
        {
            if (_inBatch == 0)
            {
                return;
            }

            _inBatch = 0;
            NetworkDescription d = _network.Description;
            for (int l = 0; l < _layers; l++)
            {
                int rows = d.Size(l + 1);
                int cols = d.Size(l);
                int[] bias = _network.Biases[l];
                int[] delta = _biasDelta[l];
                for (int i = 0; i < rows; i++)
                {
                    bias[i] = FixedPoint.SaturateToS32((long)bias[i] + delta[i]);
                    delta[i] = 0;
                }

                if (_latent != null)
                {
                    RequantizeLatent(l);
                    continue;
                }

                uint[] w = _network.Signs[l];
                if (_acc8 != null)
                {
                    Flips += _kernels.FlipB1S8(w, 0, _acc8[l], 0, rows, cols, _threshold[l]);
                    if (_leak[l] > 0)
                    {
                        _kernels.LeakS8(_acc8[l], 0, _acc8[l].Length, _leak[l]);
                    }
                }
                else if (_acc16 != null)
                {
                    Flips += _kernels.FlipB1S16(w, 0, _acc16[l], 0, rows, cols, _threshold[l]);
                    if (_leak[l] > 0)
                    {
                        _kernels.LeakS16(_acc16[l], 0, _acc16[l].Length, _leak[l]);
                    }
                }
                else
                {
                    Flips += BopKernels.FlipB1S32(w, 0, _acc32[l], 0, rows, cols, _threshold[l]);
                    if (_leak[l] > 0)
                    {
                        OuterProductKernels.LeakS32(_acc32[l], 0, _acc32[l].Length, _leak[l]);
                    }
                }
            }
        }

        /// <summary>
        /// Changes BOP's flip threshold tau between mini-batches (an annealing step: a higher tau flips fewer weights,
        /// as a lower learning rate would). <paramref name="tau"/> (per weight layer, the last value repeats) becomes
        /// <see cref="EquilibriumPropagationSettings.Tau"/>; each layer's product shift S and threshold Theta are
        /// recomputed from it as at construction, and its accumulators are rescaled by 2^(S_old - S_new) (rounding
        /// shift right, or saturating shift left) so they keep the same real value m. Binary weights only; throws
        /// <see cref="InvalidOperationException"/> inside a mini-batch or for s8 weights, and
        /// <see cref="ArgumentException"/> for an invalid tau (then nothing changes). Allocates nothing.
        /// </summary>
        public void ChangeTau(double[] tau)
        {
            if (_latent != null)
            {
                throw new InvalidOperationException("tau is a BOP setting: s8 weights have no flip threshold");
            }

            if (_inBatch != 0 || _pending)
            {
                throw new InvalidOperationException("tau can change only between mini-batches (" + _inBatch + " samples are in the open batch)");
            }

            double[] previous = _settings.Tau;
            _settings.Tau = tau;
            try
            {
                _settings.Validate();
            }
            catch (ArgumentException)
            {
                _settings.Tau = previous;
                throw;
            }

            for (int l = 0; l < _layers; l++)
            {
                int shift = _settings.BopShift(l);
                int change = shift - _shift[l];
                _threshold[l] = _settings.BopThreshold(l);
                _shift[l] = shift;
                if (change != 0)
                {
                    RescaleAccumulators(l, change);
                }
            }
        }

        private void RescaleAccumulators(int layer, int change)
        {
            int up = change < 0 ? -change : 0;
            if (up > 32)
            {
                up = 32;
            }

            if (_acc8 != null)
            {
                sbyte[] a = _acc8[layer];
                for (int i = 0; i < a.Length; i++)
                {
                    a[i] = FixedPoint.SaturateToS8(change > 0 ? (int)FixedPoint.RoundingShiftRight((long)a[i], change) : FixedPoint.SaturateToS32((long)a[i] << up));
                }
            }
            else if (_acc16 != null)
            {
                short[] a = _acc16[layer];
                for (int i = 0; i < a.Length; i++)
                {
                    a[i] = FixedPoint.SaturateToS16(change > 0 ? (int)FixedPoint.RoundingShiftRight((long)a[i], change) : FixedPoint.SaturateToS32((long)a[i] << up));
                }
            }
            else
            {
                int[] a = _acc32[layer];
                for (int i = 0; i < a.Length; i++)
                {
                    a[i] = change > 0 ? (int)FixedPoint.RoundingShiftRight((long)a[i], change) : FixedPoint.SaturateToS32((long)a[i] << up);
                }
            }
        }

        /// <inheritdoc />
        public int Predict(short[] x, int offset)
        {
            _pending = false;
            _relaxation.SetInput(x, offset);
            _relaxation.Reset();
            _relaxation.Relax(_settings.FreeSteps, 0, _target, 0);
            return _relaxation.PredictClass();
        }

        // Adds the EP estimate of one sample, (p_{l+1} p_l^T - m_{l+1} m_l^T), to every layer's learning state.
        private void Accumulate(short[][] p, short[][] m)
        {
            if (_acc8 != null)
            {
                // 8-bit accumulators take increments of about one LSB: stochastic rounding keeps them unbiased.
                _sampleDither = _rounding.NextUInt32();
            }

            NetworkDescription d = _network.Description;
            short[] x = _relaxation.Input;
            int xOffset = _relaxation.InputOffset;
            for (int l = 0; l < _layers; l++)
            {
                int rows = d.Size(l + 1);
                int cols = d.Size(l);
                short[] bp = l == 0 ? x : p[l];
                short[] bm = l == 0 ? x : m[l];
                int bOffset = l == 0 ? xOffset : 0;
                short[] ap = p[l + 1];
                short[] am = m[l + 1];
                // Layer 0 sees the same input in both phases (bp = bm = x): the kernels skip every row whose
                // output did not change (often most of them), since it contributes exactly nothing.
                if (_latent != null)
                {
                    _kernels.ContrastiveOuterAccumulateS32(_latent[l], 0, ap, am, 0, rows, bp, bm, bOffset, cols, _shift[l]);
                }
                else if (_acc8 != null)
                {
                    _kernels.ContrastiveOuterAccumulateS8Dithered(_acc8[l], 0, ap, am, 0, rows, bp, bm, bOffset, cols, _shift[l], _sampleDither);
                }
                else if (_acc16 != null)
                {
                    _kernels.ContrastiveOuterAccumulateS16(_acc16[l], 0, ap, am, 0, rows, bp, bm, bOffset, cols, _shift[l]);
                }
                else
                {
                    _kernels.ContrastiveOuterAccumulateS32(_acc32[l], 0, ap, am, 0, rows, bp, bm, bOffset, cols, _shift[l]);
                }

                int[] delta = _biasDelta[l];
                int multiplier = _biasMultiplier[l];
                for (int i = 0; i < rows; i++)
                {
                    if (ap[i] == am[i])
                    {
                        continue; // a zero step leaves the sum as it is
                    }

                    long step = FixedPoint.RoundingShiftRight((long)(ap[i] - am[i]) * multiplier, 16);
                    delta[i] = FixedPoint.SaturateToS32(delta[i] + step);
                }
            }
        }

        private void RequantizeLatent(int layer)
        {
            int[] latent = _latent[layer];
            sbyte[] w = _network.Weights[layer];
            for (int i = 0; i < latent.Length; i++)
            {
                // Keep the latent inside the s8 range so it cannot drift far past what the weight can express.
                int clamped = latent[i];
                if (clamped > (127 << 16))
                {
                    clamped = 127 << 16;
                }
                else if (clamped < (-128 << 16))
                {
                    clamped = -128 << 16;
                }

                latent[i] = clamped;
                w[i] = FixedPoint.SaturateToS8(FixedPoint.StochasticShiftRight(clamped, 16, _rounding.NextUInt32()));
            }
        }

        // Learner state for model images and checkpoints (Runtime/Images/EquilibriumPropagationImage.cs reads and
        // overwrites these in place). Null arrays are the widths or modes not in use.
        internal sbyte[][] StateAccumulatorsS8
        {
            get { return _acc8; }
        }

        internal short[][] StateAccumulatorsS16
        {
            get { return _acc16; }
        }

        internal int[][] StateAccumulatorsS32
        {
            get { return _acc32; }
        }

        internal int[][] StateLatent
        {
            get { return _latent; }
        }

        internal Xoshiro128 StateRandom
        {
            get { return _signs; }
        }

        internal Xoshiro128 StateRoundingRandom
        {
            get { return _rounding; }
        }

        internal int[][] StateBiasDelta
        {
            get { return _biasDelta; }
        }

        internal int StateSamplesInBatch
        {
            get { return _inBatch; }
        }

        internal int StateBatchSign
        {
            get { return _batchSign; }
        }

        internal void RestoreCounters(long samplesSeen, long flips, int samplesInBatch, int batchSign)
        {
            SamplesSeen = samplesSeen;
            Flips = flips;
            _inBatch = samplesInBatch;
            _batchSign = batchSign;
        }

        private static short[][] AllocateStates(NetworkDescription d)
        {
            short[][] states = new short[d.LayerCount][];
            for (int l = 1; l < d.LayerCount; l++)
            {
                states[l] = new short[d.Size(l)];
            }

            return states;
        }
    }
}
