// SelfContrastiveForwardForwardNetwork: the parameters of an SCFF feature network (what an inference image holds).
//
// Glossary (see NetworkDescription): layer l = 0 .. L-1 maps n_l inputs ("cols") to n_{l+1} neurons ("rows");
// n_0 is the input size, n_L the width of the last SCFF layer (there is no class layer: a readout is separate).
// Buffers:
//   Weights[l]  short[n_{l+1} * n_l]  row-major, Q.14 (16384 = 1.0)
//   Biases[l]   int[n_{l+1}]          Q.24 (2^24 = 1.0)
// Layer 0 sees a pair of views and computes z = W u1 + W u2 + 2 b = W (u1 + u2) + 2 b; deeper layers see one
// vector (the centred relu of the layer below) and compute z = W u + b: BiasFactor says which.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward
{
    /// <summary>Weights and biases of a layered SCFF network (s16 weights, s32 biases).</summary>
    public sealed class SelfContrastiveForwardForwardNetwork
    {
        /// <summary>Creates a network with zero weights and biases.</summary>
        public SelfContrastiveForwardForwardNetwork(NetworkDescription description)
        {
            if (description == null)
            {
                throw new ArgumentNullException(nameof(description));
            }

            if (description.InputSize > NormalizationKernels.MaxValues / 2)
            {
                throw new ArgumentOutOfRangeException(nameof(description), "input size " + description.InputSize + " is above " + (NormalizationKernels.MaxValues / 2) + ", the largest pair the standardisation kernel covers");
            }

            Description = description;
            int layers = description.WeightLayerCount;
            Weights = new short[layers][];
            Biases = new int[layers][];
            for (int l = 0; l < layers; l++)
            {
                Weights[l] = new short[description.WeightCount(l)];
                Biases[l] = new int[description.Size(l + 1)];
            }
        }

        /// <summary>Layer sizes n_0 .. n_L.</summary>
        public NetworkDescription Description { get; private set; }

        /// <summary>Number of SCFF layers L.</summary>
        public int LayerCount
        {
            get { return Description.WeightLayerCount; }
        }

        /// <summary>Q.14 weights per layer, row-major n_{l+1} x n_l.</summary>
        public short[][] Weights { get; private set; }

        /// <summary>Q.24 biases per layer (n_{l+1}).</summary>
        public int[][] Biases { get; private set; }

        /// <summary>Total width of all layers' features, sum of n_1 .. n_L.</summary>
        public int TotalWidth
        {
            get
            {
                int total = 0;
                for (int l = 1; l < Description.LayerCount; l++)
                {
                    total += Description.Size(l);
                }

                return total;
            }
        }

        /// <summary>Factor of the bias in z: 2 on layer 0 (two halves), 1 above.</summary>
        public static int BiasFactor(int layer)
        {
            return layer == 0 ? 2 : 1;
        }

        /// <summary>
        /// Random initialisation from <paramref name="seed"/> (stream 0), PyTorch's default for linear layers: weights and
        /// biases uniform in [-1/sqrt(n_l), 1/sqrt(n_l)], drawn as integers in Q.14 (weights) and Q.24 (biases).
        /// </summary>
        public void Initialize(uint seed)
        {
            Xoshiro128 rng = new Xoshiro128(seed, 0);
            for (int l = 0; l < LayerCount; l++)
            {
                int bound = SelfContrastiveForwardForwardSettings.InitBoundQ14(Description.Size(l));
                short[] w = Weights[l];
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] = (short)((int)rng.NextBelow((uint)(2 * bound + 1)) - bound);
                }

                int[] b = Biases[l];
                for (int i = 0; i < b.Length; i++)
                {
                    b[i] = ((int)rng.NextBelow((uint)(2 * bound + 1)) - bound) << 10;
                }
            }
        }

        /// <summary>Real value of weight (r, c) of layer l.</summary>
        public double WeightValue(int layer, int r, int c)
        {
            return Weights[layer][r * Description.Size(layer) + c] / 16384.0;
        }

        /// <summary>Real value of bias r of layer l.</summary>
        public double BiasValue(int layer, int r)
        {
            return Biases[layer][r] / 16777216.0;
        }

        /// <summary>Copies every weight and bias from <paramref name="other"/> (same description).</summary>
        public void CopyFrom(SelfContrastiveForwardForwardNetwork other)
        {
            if (other == null)
            {
                throw new ArgumentNullException(nameof(other));
            }

            if (other.Description.ToString() != Description.ToString())
            {
                throw new ArgumentException("network " + other.Description + " does not match " + Description, nameof(other));
            }

            for (int l = 0; l < LayerCount; l++)
            {
                Array.Copy(other.Weights[l], Weights[l], Weights[l].Length);
                Array.Copy(other.Biases[l], Biases[l], Biases[l].Length);
            }
        }

        /// <summary>Bytes of weights and biases (the persistent part of the memory plan).</summary>
        public long PersistentBytes
        {
            get
            {
                long bytes = 0;
                for (int l = 0; l < LayerCount; l++)
                {
                    bytes += 2L * Weights[l].Length + 4L * Biases[l].Length;
                }

                return bytes;
            }
        }
    }
}
