// EquilibriumPropagationNetwork: the parameters of a layered EP network (what an inference image holds).
//
// Glossary (see NetworkDescription): weight layer l connects layer l (n_l neurons, "cols") to layer l+1
// (n_{l+1} neurons, "rows"); W_l is n_{l+1} x n_l row-major.
// Buffers:
//   Signs[l]     uint[n_{l+1} * ceil(n_l / 32)]  b1 weights, set bit = +alpha_l (BinaryKernels layout)
//   Weights[l]   sbyte[n_{l+1} * n_l]            s8 weights in units of alpha_l / 32
//   AlphaQ15[l]  int                             alpha_l = 1 / (2 sqrt(n_l)) in Q0.15, times the layer's alpha scale
//   Biases[l]    int[n_{l+1}]                    bias of layer l+1 in Q8.24 (2^24 = 1.0)
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.EquilibriumPropagation
{
    /// <summary>Weights, scales and biases of an EP network with binary or s8 weights.</summary>
    public sealed class EquilibriumPropagationNetwork
    {
        /// <summary>Fractional bits of the Q8.24 biases.</summary>
        public const int BiasFractionBits = 24;

        /// <summary>Creates a network with zero weights (all bits clear), zero biases and the default scales.</summary>
        public EquilibriumPropagationNetwork(NetworkDescription description, WeightFormat weightFormat, ActivationFormat activationFormat)
            : this(description, weightFormat, activationFormat, null)
        {
        }

        /// <summary>
        /// Creates a network with zero weights and biases in the formats of <paramref name="settings"/>, each layer's
        /// scale multiplied by its <see cref="EquilibriumPropagationSettings.AlphaScale"/>.
        /// </summary>
        public EquilibriumPropagationNetwork(NetworkDescription description, EquilibriumPropagationSettings settings)
            : this(description, Validated(settings).WeightFormat, settings.ActivationFormat, settings)
        {
        }

        private EquilibriumPropagationNetwork(NetworkDescription description, WeightFormat weightFormat, ActivationFormat activationFormat, EquilibriumPropagationSettings scales)
        {
            if (description == null)
            {
                throw new ArgumentNullException(nameof(description));
            }

            if (weightFormat != WeightFormat.B1 && weightFormat != WeightFormat.S8)
            {
                throw new ArgumentOutOfRangeException(nameof(weightFormat), "unknown weight format " + (int)weightFormat);
            }

            if (activationFormat != ActivationFormat.MultiBit && activationFormat != ActivationFormat.Binary)
            {
                throw new ArgumentOutOfRangeException(nameof(activationFormat), "unknown activation format " + (int)activationFormat);
            }

            Description = description;
            WeightFormat = weightFormat;
            ActivationFormat = activationFormat;
            int layers = description.WeightLayerCount;
            AlphaQ15 = new int[layers];
            Biases = new int[layers][];
            if (weightFormat == WeightFormat.B1)
            {
                Signs = new uint[layers][];
            }
            else
            {
                Weights = new sbyte[layers][];
            }

            for (int l = 0; l < layers; l++)
            {
                int rows = description.Size(l + 1);
                int cols = description.Size(l);
                AlphaQ15[l] = scales == null ? EquilibriumPropagationSettings.AlphaQ15(cols) : scales.LayerAlphaQ15(l, cols);
                Biases[l] = new int[rows];
                if (weightFormat == WeightFormat.B1)
                {
                    Signs[l] = new uint[rows * BinaryKernels.WordsPerRow(cols)];
                }
                else
                {
                    Weights[l] = new sbyte[rows * cols];
                }
            }
        }

        private static EquilibriumPropagationSettings Validated(EquilibriumPropagationSettings settings)
        {
            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            settings.Validate();
            return settings;
        }

        /// <summary>Layer sizes.</summary>
        public NetworkDescription Description { get; private set; }

        /// <summary>Weight storage format.</summary>
        public WeightFormat WeightFormat { get; private set; }

        /// <summary>Activation format the network was trained with.</summary>
        public ActivationFormat ActivationFormat { get; private set; }

        /// <summary>Packed binary weights per weight layer (null for s8 networks).</summary>
        public uint[][] Signs { get; private set; }

        /// <summary>s8 weights per weight layer (null for binary networks).</summary>
        public sbyte[][] Weights { get; private set; }

        /// <summary>Layer scales alpha_l in Q0.15.</summary>
        public int[] AlphaQ15 { get; private set; }

        /// <summary>Biases in Q8.24, one array per weight layer (length n_{l+1}).</summary>
        public int[][] Biases { get; private set; }

        /// <summary>
        /// Right shift that turns (raw weight sum x Q0.15 state x alpha_q15) into a Q0.15 pre-activation:
        /// 15 for binary weights, 20 for s8 weights (units alpha / 32).
        /// </summary>
        public int PreActivationShift
        {
            get { return WeightFormat == WeightFormat.B1 ? 15 : 20; }
        }

        /// <summary>
        /// Random initialisation from <paramref name="seed"/> (stream 0): binary weights take 32 uniform bits
        /// per word (padding bits cleared); s8 weights are uniform in [-64, 64] (+/- 2 alpha, the usual
        /// uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) scale); biases start at 0.
        /// </summary>
        public void Initialize(uint seed)
        {
            Xoshiro128 rng = new Xoshiro128(seed, 0);
            for (int l = 0; l < Description.WeightLayerCount; l++)
            {
                int rows = Description.Size(l + 1);
                int cols = Description.Size(l);
                Array.Clear(Biases[l], 0, rows);
                if (WeightFormat == WeightFormat.B1)
                {
                    int words = BinaryKernels.WordsPerRow(cols);
                    uint last = BinaryKernels.LastWordMask(cols);
                    uint[] w = Signs[l];
                    for (int r = 0; r < rows; r++)
                    {
                        for (int k = 0; k < words; k++)
                        {
                            uint v = rng.NextUInt32();
                            w[r * words + k] = k == words - 1 ? v & last : v;
                        }
                    }
                }
                else
                {
                    sbyte[] w = Weights[l];
                    for (int i = 0; i < w.Length; i++)
                    {
                        w[i] = (sbyte)((int)rng.NextBelow(129) - 64);
                    }
                }
            }
        }

        /// <summary>Real value of weight (r, c) of weight layer l, for oracles and inspection.</summary>
        public double WeightValue(int layer, int r, int c)
        {
            double alpha = AlphaQ15[layer] / 32768.0;
            if (WeightFormat == WeightFormat.B1)
            {
                return BinaryKernels.GetBit(Signs[layer], 0, Description.Size(layer), r, c) ? alpha : -alpha;
            }

            return Weights[layer][r * Description.Size(layer) + c] * alpha / 32;
        }

        /// <summary>Bytes of weights, scales and biases (the persistent part of the memory plan).</summary>
        public long PersistentBytes
        {
            get
            {
                long bytes = 4L * AlphaQ15.Length;
                for (int l = 0; l < Description.WeightLayerCount; l++)
                {
                    bytes += 4L * Biases[l].Length;
                    bytes += WeightFormat == WeightFormat.B1 ? 4L * Signs[l].Length : Weights[l].Length;
                }

                return bytes;
            }
        }
    }
}
