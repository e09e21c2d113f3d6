// SelfContrastiveForwardPass: one forward pass of an SCFF network on a pair, layer by layer, in fixed point.
//
// Layer 0:      s_0 = u1 + u2, the two halves of the pair standardised together (NormalizationKernels), Q.10;
//               or, with standardised halves (the authors' pre-standardisation of every view), each half on its own
//               (then the joint standardisation of ALGORITHMS.md is the identity) and s_0 = u(h1) + u(h2), saturated
//               z_0 = W_0 s_0 + 2 b_0                                                   Q.24 (= W u1 + W u2 + 2 b)
// Layer l > 0:  a_l = relu(z_{l-1} - mean z_{l-1}) with a block exponent (its scale is removed next)
//               s_l = standardise(a_l), Q.10;   z_l = W_l s_l + b_l                     Q.24
// Goodness G_l = mean_j relu(z_l,j)^2 in Q.12: r_j = RoundingShiftRight(relu(z_j), 12) (Q.12), then
//               G = RoundingShiftRight(floor(sum_j r_j^2 / n), 12), one division per sample.
// Features of layer l (for a readout): f_l = standardise(a_{l+1}) in Q.10.
//
// Buffers (scratch, allocated once): _s[l] short[n_l], _z[l] int[n_{l+1}], _a[l] short[n_l] for l >= 1.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward
{
    /// <summary>Forward pass of a pair through an SCFF network, keeping every layer's intermediate values.</summary>
    public sealed class SelfContrastiveForwardPass
    {
        private readonly SelfContrastiveForwardForwardNetwork _network;
        private readonly KernelSet _kernels;
        private readonly short[][] _s;
        private readonly int[][] _z;
        private readonly short[][] _a;
        private readonly short[] _half;
        private readonly bool _standardizeHalves;

        /// <summary>Creates the pass and its scratch buffers (the two halves of a pair are standardised together).</summary>
        public SelfContrastiveForwardPass(SelfContrastiveForwardForwardNetwork network, KernelSet kernels)
            : this(network, kernels, false)
        {
        }

        /// <summary>
        /// Creates the pass and its scratch buffers; <paramref name="standardizeHalves"/> standardises each half of a pair
        /// on its own (identical results for a pair (x, x)).
        /// </summary>
        public SelfContrastiveForwardPass(SelfContrastiveForwardForwardNetwork network, KernelSet kernels, bool standardizeHalves)
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
            NetworkDescription d = network.Description;
            int layers = d.WeightLayerCount;
            _s = new short[layers][];
            _z = new int[layers][];
            _a = new short[layers + 1][];
            for (int l = 0; l < layers; l++)
            {
                _s[l] = new short[d.Size(l)];
                _z[l] = new int[d.Size(l + 1)];
                _a[l + 1] = new short[d.Size(l + 1)];
            }

            _standardizeHalves = standardizeHalves;
            _half = standardizeHalves ? new short[d.InputSize] : new short[0];
        }

        /// <summary>Bytes of the scratch buffers.</summary>
        public long ScratchBytes
        {
            get
            {
                long bytes = 0;
                for (int l = 0; l < _s.Length; l++)
                {
                    bytes += 2L * _s[l].Length + 4L * _z[l].Length + 2L * _a[l + 1].Length;
                }

                return bytes + 2L * _half.Length;
            }
        }

        /// <summary>Standardised (summed) input s_l of layer l after the last run, Q.10.</summary>
        public short[] Input(int layer)
        {
            return _s[layer];
        }

        /// <summary>Pre-activation z_l of layer l after the last run, Q.24.</summary>
        public int[] PreActivation(int layer)
        {
            return _z[layer];
        }

        /// <summary>
        /// Runs layers 0 .. <paramref name="lastLayer"/> on the pair [h1 | h2] (n_0 Q0.15 values each; the same array and
        /// offset twice is the pair (x, x)). Afterwards <see cref="Input"/> and <see cref="PreActivation"/> hold every
        /// layer's values up to lastLayer.
        /// </summary>
        public void Run(short[] h1, int offset1, short[] h2, int offset2, int lastLayer)
        {
            NetworkDescription d = _network.Description;
            for (int l = 0; l <= lastLayer; l++)
            {
                int rows = d.Size(l + 1);
                int cols = d.Size(l);
                short[] s = _s[l];
                if (l == 0 && _standardizeHalves)
                {
                    NormalizationKernels.StandardizeS16(h1, offset1, cols, SelfContrastiveForwardForwardSettings.InputFractionBits, s, 0);
                    NormalizationKernels.StandardizeS16(h2, offset2, cols, SelfContrastiveForwardForwardSettings.InputFractionBits, _half, 0);
                    for (int i = 0; i < cols; i++)
                    {
                        s[i] = FixedPoint.SaturateToS16(s[i] + _half[i]);
                    }
                }
                else if (l == 0)
                {
                    NormalizationKernels.StandardizePairSumS16(h1, offset1, h2, offset2, cols, SelfContrastiveForwardForwardSettings.InputFractionBits, s, 0);
                }
                else
                {
                    NormalizationKernels.CenteredReluS32S16(_z[l - 1], 0, cols, _a[l], 0);
                    NormalizationKernels.StandardizeS16(_a[l], 0, cols, SelfContrastiveForwardForwardSettings.InputFractionBits, s, 0);
                }

                int[] z = _z[l];
                int[] b = _network.Biases[l];
                int factor = SelfContrastiveForwardForwardNetwork.BiasFactor(l);
                for (int j = 0; j < rows; j++)
                {
                    z[j] = FixedPoint.SaturateToS32((long)b[j] * factor);
                }

                _kernels.MatVecS16S32(_network.Weights[l], 0, s, 0, rows, cols, z, 0);
            }
        }

        /// <summary>Goodness G of layer <paramref name="layer"/> after the last run, Q.12 (see the file header).</summary>
        public int Goodness(int layer)
        {
            int[] z = _z[layer];
            long sum = 0;
            for (int j = 0; j < z.Length; j++)
            {
                if (z[j] > 0)
                {
                    long r = FixedPoint.RoundingShiftRight((long)z[j], 12);
                    sum += r * r;
                }
            }

            long g = FixedPoint.RoundingShiftRight(sum / z.Length, 12);
            return g > int.MaxValue ? int.MaxValue : (int)g;
        }

        /// <summary>
        /// Writes the standardised features f_l = standardise(relu(z_l - mean z_l)) of layer <paramref name="layer"/>
        /// (n_{l+1} values, Q.10) to <paramref name="features"/> at <paramref name="offset"/>, after a run that reached it.
        /// </summary>
        public void Features(int layer, short[] features, int offset)
        {
            short[] a = _a[layer + 1];
            NormalizationKernels.CenteredReluS32S16(_z[layer], 0, a.Length, a, 0);
            NormalizationKernels.StandardizeS16(a, 0, a.Length, SelfContrastiveForwardForwardSettings.InputFractionBits, features, offset);
        }
    }
}
