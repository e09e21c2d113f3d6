// DeltaRuleLearner: a single fixed-point layer y = rho(W x + b) trained by the delta rule towards any target
// (ALGORITHMS.md section 4: the cheapest learner a self-defined target can drive; no relaxation, one product
// forward and one outer product per sample). rho(u) = clamp(u, 0, 1) on Q0.15.
//
//   forward   pre = W x + b,  y = rho(pre)                               (W Q3.12 in s16, x and y Q0.15)
//   update    W_latent += RoundingShiftRight((d - y) x^T, S) per sample   (see DeltaRuleSettings)
//             b_delta  += RoundingShiftRight((d - y) m, 16)
//   per mini-batch: W = round(W_latent / 2^12) saturated to s16 (rows that moved only), b += b_delta
// The error is not multiplied by rho'(pre): a neuron whose output is clamped at 0 still learns towards a target
// of 1, which is what lets a neuron that never fired win a self-defined target and come to life (the same
// reason Binary EP nudges outside rho). Every prediction inside a mini-batch sees the parameters of the
// previous batch. Deterministic for a seed; nothing is allocated after construction.
//
// Buffers (N = outputs, M = inputs):
//   _weights  short[N * M]  row-major, Q3.12 (2^12 = 1.0, range +/- 8)      persistent
//   _biases   int[N]        Q8.24                                          persistent
//   _latent   int[N * M]    Q8.24, kept inside the s16 range of _weights    learner state
//   _biasStep int[N]        bias steps of the current mini-batch (Q8.24)    learner state
//   _dirty    bool[N]       rows whose latent moved in this mini-batch       learner state
//   _pre int[N], _output short[N], _error short[N]                         scratch
// Pre-activation worst case: |W x| <= M 2^15 2^15 overflows s32 beyond 16.0 real; the kernel saturates, and rho
// clamps anything above 1 anyway, so saturation cannot change y.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Single-layer fixed-point delta-rule learner (see the file header).</summary>
    public sealed class DeltaRuleLearner : ITargetLearner
    {
        /// <summary>Fractional bits of the s16 forward weights (Q3.12).</summary>
        public const int WeightFractionBits = 12;

        /// <summary>Fractional bits of the latent weights and the biases (Q8.24).</summary>
        public const int LatentFractionBits = 24;

        private const int LatentToWeightShift = LatentFractionBits - WeightFractionBits;
        private const int BiasToQ15Shift = LatentFractionBits - FixedPoint.Q15Bits;
        private const int LatentMax = short.MaxValue << LatentToWeightShift;
        private const int LatentMin = short.MinValue << LatentToWeightShift;

        private readonly int _inputs;
        private readonly int _outputs;
        private readonly KernelSet _kernels;
        private readonly int _shift;
        private readonly int _biasMultiplier;
        private readonly short[] _weights;
        private readonly int[] _biases;
        private readonly int[] _latent;
        private readonly int[] _biasStep;
        private readonly bool[] _dirty;
        private readonly int[] _pre;
        private readonly short[] _output;
        private readonly short[] _error;
        private short[] _input;
        private int _inputOffset;
        private bool _pending;
        private int _inBatch;

        /// <summary>
        /// Creates a layer of <paramref name="outputs"/> neurons over <paramref name="inputs"/> inputs, initialised
        /// from the settings' seed (see <see cref="Initialize"/>); all memory is allocated here.
        /// </summary>
        public DeltaRuleLearner(int inputs, int outputs, DeltaRuleSettings settings, KernelSet kernels)
        {
            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            if (kernels == null)
            {
                throw new ArgumentNullException(nameof(kernels));
            }

            if (inputs < 1 || inputs > NetworkDescription.MaxWidth)
            {
                throw new ArgumentOutOfRangeException(nameof(inputs), "inputs must be in [1, " + NetworkDescription.MaxWidth + "], got " + inputs);
            }

            if (outputs < 1 || outputs > NetworkDescription.MaxWidth)
            {
                throw new ArgumentOutOfRangeException(nameof(outputs), "outputs must be in [1, " + NetworkDescription.MaxWidth + "], got " + outputs);
            }

            settings.Validate();
            _inputs = inputs;
            _outputs = outputs;
            _kernels = kernels;
            Settings = settings;
            _shift = settings.UpdateShift;
            _biasMultiplier = settings.BiasMultiplier;
            _weights = new short[outputs * inputs];
            _latent = new int[outputs * inputs];
            _biases = new int[outputs];
            _biasStep = new int[outputs];
            _dirty = new bool[outputs];
            _pre = new int[outputs];
            _output = new short[outputs];
            _error = new short[outputs];
            Initialize(settings.Seed);
        }

        /// <summary>The settings in use.</summary>
        public DeltaRuleSettings Settings { get; private set; }

        /// <inheritdoc />
        public int InputSize
        {
            get { return _inputs; }
        }

        /// <inheritdoc />
        public int OutputSize
        {
            get { return _outputs; }
        }

        /// <summary>Forward weights, row-major N x M, Q3.12 (live array).</summary>
        public short[] Weights
        {
            get { return _weights; }
        }

        /// <summary>Latent weights, row-major N x M, Q8.24 (live array).</summary>
        public int[] LatentWeights
        {
            get { return _latent; }
        }

        /// <summary>Biases, Q8.24 (live array).</summary>
        public int[] Biases
        {
            get { return _biases; }
        }

        /// <summary>Bias steps of the open mini-batch, Q8.24 (live array; learner state).</summary>
        public int[] PendingBiasSteps
        {
            get { return _biasStep; }
        }

        /// <summary>Samples learnt in the open mini-batch, in [0, B).</summary>
        public int SamplesInBatch
        {
            get { return _inBatch; }
        }

        /// <summary>Product shift S of the weight update.</summary>
        public int UpdateShift
        {
            get { return _shift; }
        }

        /// <summary>Samples learnt so far.</summary>
        public long SamplesSeen { get; private set; }

        /// <inheritdoc />
        public MemoryPlan Memory
        {
            get
            {
                long weights = (long)_outputs * _inputs;
                return new MemoryPlan(
                    2 * weights + 4L * _outputs,
                    4 * weights + 4L * _outputs + _outputs,
                    4L * _outputs + 2L * _outputs + 2L * _outputs);
            }
        }

        /// <summary>
        /// Random initialisation from <paramref name="seed"/> (stream 0): latent weights uniform in
        /// [-1/sqrt(M), 1/sqrt(M)] (the usual fan-in scale) in Q8.24, forward weights rounded from them, biases 0.
        /// Drops a pending mini-batch.
        /// </summary>
        public void Initialize(uint seed)
        {
            Xoshiro128 rng = new Xoshiro128(seed, 0);
            ulong root = ActivationKernels.SqrtU64((ulong)_inputs << 40); // sqrt(M) * 2^20
            uint bound = (uint)(((1UL << 44) + root / 2) / root);        // 2^24 / sqrt(M)
            for (int i = 0; i < _latent.Length; i++)
            {
                _latent[i] = (int)rng.NextBelow(2 * bound + 1) - (int)bound;
            }

            for (int r = 0; r < _outputs; r++)
            {
                _biases[r] = 0;
                _biasStep[r] = 0;
                _dirty[r] = true;
            }

            _inBatch = 0;
            _pending = false;
            Requantize();
        }

        /// <summary>
        /// Restores the counters of a checkpoint after its arrays (<see cref="Weights"/>, <see cref="LatentWeights"/>,
        /// <see cref="Biases"/>, <see cref="PendingBiasSteps"/>) were copied in. Rows of an open mini-batch are marked
        /// for requantisation (a row that did not move requantises to the weights it has, so the result is the same
        /// integers as never having stopped). Drops a response awaiting its target.
        /// </summary>
        public void RestoreCounters(long samplesSeen, int samplesInBatch)
        {
            if (samplesSeen < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(samplesSeen), "samples seen must be >= 0, got " + samplesSeen);
            }

            if (samplesInBatch < 0 || samplesInBatch >= Settings.BatchSize)
            {
                throw new ArgumentOutOfRangeException(nameof(samplesInBatch), "samples in the open batch must be in [0, " + Settings.BatchSize + "), got " + samplesInBatch);
            }

            SamplesSeen = samplesSeen;
            _inBatch = samplesInBatch;
            _pending = false;
            for (int r = 0; r < _outputs; r++)
            {
                _dirty[r] = samplesInBatch > 0;
            }
        }

        /// <summary>Real value of weight (r, c) as the forward pass uses it, for oracles and inspection.</summary>
        public double WeightValue(int r, int c)
        {
            return _weights[r * _inputs + c] / (double)(1 << WeightFractionBits);
        }

        /// <inheritdoc />
        public short[] Respond(short[] x, int offset)
        {
            if (x == null)
            {
                throw new ArgumentNullException(nameof(x));
            }

            if (offset < 0 || offset > x.Length - _inputs)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), "input offset " + offset + " leaves fewer than " + _inputs + " values in an array of " + x.Length);
            }

            _input = x;
            _inputOffset = offset;
            Array.Clear(_pre, 0, _outputs);
            _kernels.MatVecS16S32(_weights, 0, x, offset, _outputs, _inputs, _pre, 0);
            for (int r = 0; r < _outputs; r++)
            {
                long pre = FixedPoint.RoundingShiftRight((long)_pre[r], LatentToWeightShift) + FixedPoint.RoundingShiftRight(_biases[r], BiasToQ15Shift);
                _output[r] = pre <= 0 ? (short)0 : pre >= FixedPoint.Q15Max ? FixedPoint.Q15Max : (short)pre;
            }

            _pending = true;
            return _output;
        }

        /// <inheritdoc />
        public void LearnTowards(short[] target, int targetOffset)
        {
            if (!_pending)
            {
                throw new InvalidOperationException("LearnTowards needs the response of the same sample first (call Respond)");
            }

            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            if (targetOffset < 0 || targetOffset > target.Length - _outputs)
            {
                throw new ArgumentOutOfRangeException(nameof(targetOffset), "target offset " + targetOffset + " leaves fewer than " + _outputs + " values in an array of " + target.Length);
            }

            _pending = false;
            for (int r = 0; r < _outputs; r++)
            {
                int e = target[targetOffset + r] - _output[r];
                _error[r] = (short)e;
                if (e == 0)
                {
                    continue; // contributes exactly nothing
                }

                _kernels.OuterProductAccumulateS32(_latent, r * _inputs, _error, r, 1, _input, _inputOffset, _inputs, _shift);
                _biasStep[r] = FixedPoint.SaturateToS32(_biasStep[r] + FixedPoint.RoundingShiftRight((long)e * _biasMultiplier, 16));
                _dirty[r] = true;
            }

            SamplesSeen++;
            _inBatch++;
            if (_inBatch >= Settings.BatchSize)
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
            for (int r = 0; r < _outputs; r++)
            {
                _biases[r] = FixedPoint.SaturateToS32((long)_biases[r] + _biasStep[r]);
                _biasStep[r] = 0;
            }

            Requantize();
        }

        // Forward weights of every moved row from the latent, which is first kept inside what s16 can express.
        private void Requantize()
        {
            for (int r = 0; r < _outputs; r++)
            {
                if (!_dirty[r])
                {
                    continue;
                }

                _dirty[r] = false;
                int end = (r + 1) * _inputs;
                for (int i = r * _inputs; i < end; i++)
                {
                    int v = _latent[i];
                    v = v > LatentMax ? LatentMax : v < LatentMin ? LatentMin : v;
                    _latent[i] = v;
                    _weights[i] = FixedPoint.SaturateToS16(FixedPoint.RoundingShiftRight(v, LatentToWeightShift));
                }
            }
        }
    }
}
