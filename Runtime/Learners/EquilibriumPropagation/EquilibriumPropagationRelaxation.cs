// EquilibriumPropagationRelaxation: the discrete-time dynamics of an EP network and their scratch buffers.
//
// One synchronous step updates every non-input layer from the previous step's states (ALGORITHMS.md 1):
//   hidden l:  s_l <- rho( alpha_{l-1} W_{l-1} v_{l-1} + b_{l-1} + alpha_l W_l^T v_{l+1} )
//   output L:  s_L <- clamp( rho( alpha_{L-1} W_{L-1} v_{L-1} + b_{L-1} ) + beta (y - v_L), 0, 1 )
// with rho(u) = clamp(u, 0, 1) on Q0.15 and v_l the layer's output: v_l = s_l for multi-bit activations
// ("bin-W"). The nudge is added outside rho by default, as in binary EP; InsideRho gives
// s_L <- rho(pre + beta (y - v_L)) (Laborieux et al.), the placement whose update matches BPTT (GDU). For binary activations ("bin-W-N") each
// neuron keeps a leaky internal state, s <- clamp(s/2 + pre/2, 0, 1), outputs v = h = [s >= 1/2] (stored
// as 0 or 32767 in Q0.15, and packed for the XNOR-popcount kernels), and states start at 1 instead of 0.
// Binary outputs cannot carry a small nudge, so for them (as in Laydevant et al.'s bin-W-N) the nudge is a
// constant force beta (y - s0_L), with s0_L the internal state at the end of the free phase (see
// FreezeNudgeReference), added after the leaky average by default, s_L <- clamp(clamp(s_L/2 + pre/2) + nudge),
// or inside it with InsideRho, s_L <- clamp(s_L/2 + (pre + nudge)/2), the two forms of the float64 oracle.
// The reference is the state, not the binary output h0_L: referenced to h0_L, an output that stayed below
// threshold in the free phase is never pushed, so the -beta phase cannot raise the wrong outputs that were
// almost on and they never learn to move away (measured: the EP estimate of a Fashion-MNIST batch then has a
// cosine of 0.18-0.31 with the float64 oracle's, and accuracy after one epoch falls by about 3 points).
// The input projection alpha_0 W_0 x + b_0 is computed once per sample (SetInput): it does not change
// during either phase. A step is a function of the states alone within a phase, so Relax stops at the first
// step that changes no state (a fixed point): the remaining steps could not change anything.
//
// Buffers (l = 1 .. L; index 0 unused):
//   _state[l], _next[l]  short[n_l]   internal states, double-buffered for the synchronous step
//   _outputs[l]          short[n_l]   binary outputs h in Q0.15 (binary activations only)
//   _bits[l]             uint[ceil(n_l/32)] packed h (binary activations with binary weights only)
//   _projection          int[n_1]     Q0.15 input projection including b_0
//   _forward[l]          int[n_l]     raw W_{l-1} v_{l-1} (l >= 2)
//   _feedback[l]         int[n_l]     raw W_l^T v_{l+1} (l <= L-1)
//   _biasQ15[l]          int[n_l]     b_{l-1} rounded to Q0.15 once per sample (l >= 2)
//   _moved[l]            bool         some state of layer l changed in the last step (its sums are then recomputed)
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.EquilibriumPropagation
{
    /// <summary>Relaxation dynamics of an <see cref="EquilibriumPropagationNetwork"/>, with its own scratch.</summary>
    public sealed class EquilibriumPropagationRelaxation
    {
        private const short Half = 16384;
        private const int BetaShift = 12;
        private const int BiasToQ15Shift = EquilibriumPropagationNetwork.BiasFractionBits - FixedPoint.Q15Bits;

        private readonly EquilibriumPropagationNetwork _network;
        private readonly KernelSet _kernels;
        private readonly int _layers;
        private readonly bool _binary;
        private readonly bool _packed;
        private readonly bool _inside;
        private readonly short[][] _state;
        private readonly short[][] _next;
        private readonly short[][] _outputs;
        private readonly uint[][] _bits;
        private readonly int[] _projection;
        private readonly short[] _reference;
        private readonly int[][] _biasQ15;
        private readonly int[][] _forward;
        private readonly int[][] _feedback;
        private readonly bool[] _moved;
        private short[] _input;
        private int _inputOffset;

        /// <summary>Allocates the scratch buffers for <paramref name="network"/>; nothing is allocated later.</summary>
        public EquilibriumPropagationRelaxation(EquilibriumPropagationNetwork network, KernelSet kernels)
            : this(network, kernels, NudgePlacement.OutsideRho)
        {
        }

        /// <summary>
        /// Allocates the scratch buffers for <paramref name="network"/> with the output nudge placed outside or inside
        /// the hard sigmoid (multi-bit activations), or after or inside the leaky average (binary ones).
        /// </summary>
        public EquilibriumPropagationRelaxation(EquilibriumPropagationNetwork network, KernelSet kernels, NudgePlacement placement)
        {
            if (network == null)
            {
                throw new ArgumentNullException(nameof(network));
            }

            if (kernels == null)
            {
                throw new ArgumentNullException(nameof(kernels));
            }

            _network = network;
            _kernels = kernels;
            _inside = placement == NudgePlacement.InsideRho;
            NetworkDescription d = network.Description;
            _layers = d.WeightLayerCount;
            _binary = network.ActivationFormat == ActivationFormat.Binary;
            _packed = _binary && network.WeightFormat == WeightFormat.B1;
            _state = new short[_layers + 1][];
            _next = new short[_layers + 1][];
            _outputs = new short[_layers + 1][];
            _bits = new uint[_layers + 1][];
            _forward = new int[_layers + 1][];
            _feedback = new int[_layers + 1][];
            _projection = new int[d.Size(1)];
            _reference = new short[d.OutputSize];
            _biasQ15 = new int[_layers + 1][];
            _moved = new bool[_layers + 1];
            for (int l = 1; l <= _layers; l++)
            {
                int n = d.Size(l);
                _state[l] = new short[n];
                _next[l] = new short[n];
                if (_binary)
                {
                    _outputs[l] = new short[n];
                }

                if (_packed)
                {
                    _bits[l] = new uint[BinaryKernels.WordsPerRow(n)];
                }

                if (l >= 2)
                {
                    _forward[l] = new int[n];
                    _biasQ15[l] = new int[n];
                }

                if (l <= _layers - 1)
                {
                    _feedback[l] = new int[n];
                }
            }
        }

        /// <summary>Scratch bytes held by this object (exact payload of its arrays).</summary>
        public long ScratchBytes
        {
            get
            {
                long bytes = 4L * _projection.Length + 2L * _reference.Length;
                for (int l = 1; l <= _layers; l++)
                {
                    bytes += 2L * _state[l].Length * 2;
                    bytes += _outputs[l] != null ? 2L * _outputs[l].Length : 0;
                    bytes += _bits[l] != null ? 4L * _bits[l].Length : 0;
                    bytes += _forward[l] != null ? 4L * _forward[l].Length * 2 : 0;
                    bytes += _feedback[l] != null ? 4L * _feedback[l].Length : 0;
                }

                return bytes;
            }
        }

        /// <summary>The current input (Q0.15, n_0 values from <see cref="InputOffset"/>), as given to <see cref="SetInput"/>.</summary>
        public short[] Input
        {
            get { return _input; }
        }

        /// <summary>Offset of the current input.</summary>
        public int InputOffset
        {
            get { return _inputOffset; }
        }

        /// <summary>
        /// Sets the input x (n_0 values in Q0.15 from <paramref name="offset"/>; the array is referenced, not
        /// copied) and computes the input projection alpha_0 W_0 x + b_0 once.
        /// </summary>
        public void SetInput(short[] x, int offset)
        {
            _input = x;
            _inputOffset = offset;
            NetworkDescription d = _network.Description;
            int rows = d.Size(1);
            Array.Clear(_projection, 0, rows);
            MatVec(0, x, offset, null, _projection);
            int alpha = _network.AlphaQ15[0];
            int shift = _network.PreActivationShift;
            int[] bias = _network.Biases[0];
            for (int i = 0; i < rows; i++)
            {
                long v = FixedPoint.RoundingShiftRight((long)_projection[i] * alpha, shift) + FixedPoint.RoundingShiftRight(bias[i], BiasToQ15Shift);
                _projection[i] = FixedPoint.SaturateToS32(v);
            }

            RefreshBiases();
        }

        /// <summary>Re-reads the biases of layers 2 .. L (call after they change; SetInput does it).</summary>
        public void RefreshBiases()
        {
            for (int l = 2; l <= _layers; l++)
            {
                int[] bias = _network.Biases[l - 1];
                int[] q = _biasQ15[l];
                for (int i = 0; i < q.Length; i++)
                {
                    q[i] = FixedPoint.RoundingShiftRight(bias[i], BiasToQ15Shift);
                }
            }
        }

        /// <summary>Resets every state: to 0 for multi-bit activations, to 1 (so h = 1) for binary ones.</summary>
        public void Reset()
        {
            for (int l = 1; l <= _layers; l++)
            {
                short[] s = _state[l];
                short v = _binary ? FixedPoint.Q15Max : (short)0;
                for (int i = 0; i < s.Length; i++)
                {
                    s[i] = v;
                }

                RefreshOutputs(l);
            }
        }

        /// <summary>
        /// Runs <paramref name="steps"/> synchronous steps. <paramref name="betaQ12"/> is the signed nudging
        /// strength in Q.12 (0 = free phase); <paramref name="target"/> holds n_L Q0.15 target values from
        /// <paramref name="targetOffset"/> (ignored when betaQ12 is 0).
        /// </summary>
        public void Relax(int steps, int betaQ12, short[] target, int targetOffset)
        {
            // Every raw sum is recomputed on the first step (states or weights may have changed since the last call).
            for (int l = 1; l <= _layers; l++)
            {
                _moved[l] = true;
            }

            for (int t = 0; t < steps; t++)
            {
                // The step is a function of the states alone (input, biases, nudge and its reference are fixed
                // during a phase), so once a step leaves every state unchanged all later ones would too: stop.
                if (!Step(betaQ12, target, targetOffset))
                {
                    return;
                }
            }
        }

        /// <summary>
        /// The output v_l of layer l (1 .. L) that the EP update uses: the state for multi-bit activations,
        /// h in Q0.15 (0 or 32767) for binary ones. Valid until the next step.
        /// </summary>
        public short[] Output(int layer)
        {
            return _binary ? _outputs[layer] : _state[layer];
        }

        /// <summary>
        /// Remembers the output layer's internal states s0_L as the reference of the nudge of binary activations
        /// (call it at the end of the free phase). Multi-bit activations nudge against their current state instead.
        /// </summary>
        public void FreezeNudgeReference()
        {
            short[] s = _state[_layers];
            Array.Copy(s, _reference, s.Length);
        }

        /// <summary>Copies the internal states of layers 1 .. L into <paramref name="into"/>[l].</summary>
        public void SaveStates(short[][] into)
        {
            for (int l = 1; l <= _layers; l++)
            {
                Array.Copy(_state[l], into[l], _state[l].Length);
            }
        }

        /// <summary>Restores internal states saved by <see cref="SaveStates"/> (outputs are recomputed).</summary>
        public void RestoreStates(short[][] from)
        {
            for (int l = 1; l <= _layers; l++)
            {
                Array.Copy(from[l], _state[l], _state[l].Length);
                RefreshOutputs(l);
            }
        }

        /// <summary>Copies the outputs v_l of layers 1 .. L into <paramref name="into"/>[l].</summary>
        public void SaveOutputs(short[][] into)
        {
            for (int l = 1; l <= _layers; l++)
            {
                short[] v = Output(l);
                Array.Copy(v, into[l], v.Length);
            }
        }

        /// <summary>
        /// Predicted class from the current output layer: the class whose group of G output neurons has the
        /// largest summed output (binary activations: most active h, ties broken by summed internal state).
        /// </summary>
        public int PredictClass()
        {
            NetworkDescription d = _network.Description;
            int g = d.NeuronsPerClass;
            short[] s = _state[_layers];
            short[] v = Output(_layers);
            int best = 0;
            long bestScore = long.MinValue;
            for (int c = 0; c < d.ClassCount; c++)
            {
                long score = 0;
                for (int j = c * g; j < (c + 1) * g; j++)
                {
                    score += _binary ? ((long)v[j] << 16) + s[j] : s[j];
                }

                if (score > bestScore)
                {
                    bestScore = score;
                    best = c;
                }
            }

            return best;
        }

        // One synchronous step; returns false when no state changed (the states are then a fixed point).
        private bool Step(int betaQ12, short[] target, int targetOffset)
        {
            // Phase 1: every raw sum from the previous states (synchronous update).
            for (int l = 1; l <= _layers; l++)
            {
                // A raw sum whose source layer kept every state in the last step keeps its value (same weights, same
                // outputs), so only the sums of layers that moved are recomputed.
                if (l >= 2 && _moved[l - 1])
                {
                    int[] f = _forward[l];
                    Array.Clear(f, 0, f.Length);
                    MatVec(l - 1, Output(l - 1), 0, _bits[l - 1], f);
                }

                if (l <= _layers - 1 && _moved[l + 1])
                {
                    int[] b = _feedback[l];
                    Array.Clear(b, 0, b.Length);
                    MatVecTransposed(l, Output(l + 1), _bits[l + 1], b);
                }
            }

            // Phase 2: new states from the sums.
            int shift = _network.PreActivationShift;
            long unit = _packed ? FixedPoint.Q15Max : 1; // popcount sums count neurons; scale them to Q0.15 outputs
            bool changed = false;
            for (int l = 1; l <= _layers; l++)
            {
                short[] s = _state[l];
                short[] next = _next[l];
                int n = s.Length;
                int alphaIn = _network.AlphaQ15[l - 1];
                int alphaOut = l <= _layers - 1 ? _network.AlphaQ15[l] : 0;
                int[] bias = _biasQ15[l];
                int[] forward = _forward[l];
                int[] feedback = _feedback[l];
                bool output = l == _layers;
                short[] v = Output(l);
                if (l == 1 && !output && !_binary)
                {
                    // First hidden layer, multi-bit: clamp(projection + RoundingShiftRight(feedback * alpha_1, shift)).
                    bool layerMoved = _kernels.HardSigmoidAddQ15(feedback, 0, alphaOut, shift, _projection, 0, s, 0, next, 0, n) != 0;
                    _moved[l] = layerMoved;
                    changed |= layerMoved;
                    continue;
                }

                bool moved = false;
                for (int i = 0; i < n; i++)
                {
                    long pre;
                    if (l == 1)
                    {
                        pre = _projection[i];
                    }
                    else
                    {
                        pre = FixedPoint.RoundingShiftRight(forward[i] * unit * alphaIn, shift) + bias[i];
                    }

                    if (!output)
                    {
                        pre += FixedPoint.RoundingShiftRight(feedback[i] * unit * alphaOut, shift);
                    }

                    long value;
                    if (_binary)
                    {
                        long nudge = output && betaQ12 != 0
                            ? FixedPoint.RoundingShiftRight((long)betaQ12 * (target[targetOffset + i] - _reference[i]), BetaShift)
                            : 0;
                        value = _inside
                            ? Clamp(FixedPoint.RoundingShiftRight(s[i] + pre + nudge, 1))
                            : Clamp(Clamp(FixedPoint.RoundingShiftRight(s[i] + pre, 1)) + nudge);
                    }
                    else if (output && betaQ12 != 0)
                    {
                        long nudge = FixedPoint.RoundingShiftRight((long)betaQ12 * (target[targetOffset + i] - v[i]), BetaShift);
                        value = _inside ? Clamp(pre + nudge) : Clamp(Clamp(pre) + nudge);
                    }
                    else
                    {
                        value = Clamp(pre);
                    }

                    next[i] = (short)value;
                    moved |= value != s[i];
                }

                _moved[l] = moved;
                changed |= moved;
            }

            if (!changed)
            {
                return false;
            }

            for (int l = 1; l <= _layers; l++)
            {
                short[] tmp = _state[l];
                _state[l] = _next[l];
                _next[l] = tmp;
                RefreshOutputs(l);
            }

            return true;
        }

        private void RefreshOutputs(int l)
        {
            if (!_binary)
            {
                return;
            }

            short[] s = _state[l];
            short[] h = _outputs[l];
            for (int i = 0; i < s.Length; i++)
            {
                h[i] = s[i] >= Half ? FixedPoint.Q15Max : (short)0;
            }

            if (_packed)
            {
                BinaryKernels.HeavisidePackU1(s, 0, s.Length, Half, _bits[l], 0);
            }
        }

        // raw y += W_layer v (rows n_{layer+1}); packed binary outputs use the popcount kernel (sum counts neurons).
        private void MatVec(int layer, short[] v, int offset, uint[] bits, int[] y)
        {
            NetworkDescription d = _network.Description;
            int rows = d.Size(layer + 1);
            int cols = d.Size(layer);
            if (_network.WeightFormat == WeightFormat.S8)
            {
                _kernels.MatVecS8S32(_network.Weights[layer], 0, v, offset, rows, cols, y, 0);
            }
            else if (bits != null)
            {
                _kernels.SignMatVecB1U1(_network.Signs[layer], 0, bits, 0, rows, cols, y, 0);
            }
            else
            {
                _kernels.SignMatVecB1S32(_network.Signs[layer], 0, v, offset, rows, cols, y, 0);
            }
        }

        // raw y += W_layer^T v (v has n_{layer+1} entries, y has n_layer).
        private void MatVecTransposed(int layer, short[] v, uint[] bits, int[] y)
        {
            NetworkDescription d = _network.Description;
            int rows = d.Size(layer + 1);
            int cols = d.Size(layer);
            if (_network.WeightFormat == WeightFormat.S8)
            {
                _kernels.MatVecTransposedS8S32(_network.Weights[layer], 0, v, 0, rows, cols, y, 0);
            }
            else if (bits != null)
            {
                _kernels.SignMatVecTransposedB1U1(_network.Signs[layer], 0, bits, 0, rows, cols, y, 0);
            }
            else
            {
                _kernels.SignMatVecTransposedB1S32(_network.Signs[layer], 0, v, 0, rows, cols, y, 0);
            }
        }

        private static long Clamp(long v)
        {
            return v < 0 ? 0 : v > FixedPoint.Q15Max ? FixedPoint.Q15Max : v;
        }
    }
}
