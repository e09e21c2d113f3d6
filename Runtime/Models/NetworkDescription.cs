// NetworkDescription: the shape of a layered network, shared by every learner, the memory planner and
// model images.
//
// Glossary: L = number of weight layers; n_0 = input size; n_1 .. n_{L-1} hidden widths;
// n_L = output neurons = classes * G, G = output neurons per class (bin-W-N widens the output layer).
using System;

namespace EdgeLearn.Runtime.Models
{
    /// <summary>Layer sizes of a fully connected layered network and how its outputs map to classes.</summary>
    public sealed class NetworkDescription
    {
        /// <summary>Largest width of any layer.</summary>
        public const int MaxWidth = 65535;

        private readonly int[] _sizes;

        /// <summary>
        /// Creates a description from the layer sizes n_0 .. n_L (at least two) and the number of output
        /// neurons per class. The output layer size must be a multiple of <paramref name="neuronsPerClass"/>.
        /// </summary>
        public NetworkDescription(int[] sizes, int neuronsPerClass)
        {
            if (sizes == null)
            {
                throw new ArgumentNullException(nameof(sizes));
            }

            if (sizes.Length < 2)
            {
                throw new ArgumentException("a network needs at least an input and an output layer", nameof(sizes));
            }

            for (int i = 0; i < sizes.Length; i++)
            {
                if (sizes[i] < 1 || sizes[i] > MaxWidth)
                {
                    throw new ArgumentOutOfRangeException(nameof(sizes), "layer " + i + " has width " + sizes[i] + "; widths must be in [1, " + MaxWidth + "]");
                }
            }

            if (neuronsPerClass < 1 || sizes[sizes.Length - 1] % neuronsPerClass != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(neuronsPerClass), "output width " + sizes[sizes.Length - 1] + " is not a positive multiple of " + neuronsPerClass + " neurons per class");
            }

            _sizes = new int[sizes.Length];
            Array.Copy(sizes, _sizes, sizes.Length);
            NeuronsPerClass = neuronsPerClass;
        }

        /// <summary>Number of layers including the input (L + 1).</summary>
        public int LayerCount
        {
            get { return _sizes.Length; }
        }

        /// <summary>Number of weight layers (L).</summary>
        public int WeightLayerCount
        {
            get { return _sizes.Length - 1; }
        }

        /// <summary>Input size n_0.</summary>
        public int InputSize
        {
            get { return _sizes[0]; }
        }

        /// <summary>Output layer size n_L (classes times neurons per class).</summary>
        public int OutputSize
        {
            get { return _sizes[_sizes.Length - 1]; }
        }

        /// <summary>Output neurons per class (G).</summary>
        public int NeuronsPerClass { get; private set; }

        /// <summary>Number of classes, n_L / G.</summary>
        public int ClassCount
        {
            get { return OutputSize / NeuronsPerClass; }
        }

        /// <summary>Width n_l of layer <paramref name="layer"/> (0 = input).</summary>
        public int Size(int layer)
        {
            return _sizes[layer];
        }

        /// <summary>Number of weights of weight layer l (n_{l+1} x n_l).</summary>
        public int WeightCount(int layer)
        {
            return _sizes[layer + 1] * _sizes[layer];
        }

        /// <summary>Architecture string "n_0-n_1-...-n_L", as the command line writes it.</summary>
        public override string ToString()
        {
            string s = _sizes[0].ToString();
            for (int i = 1; i < _sizes.Length; i++)
            {
                s += "-" + _sizes[i];
            }

            return s;
        }

        /// <summary>
        /// Parses "784-256-10" style architectures. Throws <see cref="FormatException"/> naming the bad part.
        /// </summary>
        public static int[] ParseSizes(string architecture)
        {
            if (architecture == null)
            {
                throw new ArgumentNullException(nameof(architecture));
            }

            string[] parts = architecture.Split('-');
            int[] sizes = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                int value = 0;
                string p = parts[i];
                if (p.Length == 0 || p.Length > 5)
                {
                    throw new FormatException("architecture '" + architecture + "': part " + (i + 1) + " '" + p + "' is not a width in [1, " + MaxWidth + "]");
                }

                for (int k = 0; k < p.Length; k++)
                {
                    char ch = p[k];
                    if (ch < '0' || ch > '9')
                    {
                        throw new FormatException("architecture '" + architecture + "': part " + (i + 1) + " '" + p + "' is not a number");
                    }

                    value = value * 10 + (ch - '0');
                }

                if (value < 1 || value > MaxWidth)
                {
                    throw new FormatException("architecture '" + architecture + "': width " + value + " is outside [1, " + MaxWidth + "]");
                }

                sizes[i] = value;
            }

            if (sizes.Length < 2)
            {
                throw new FormatException("architecture '" + architecture + "' needs at least an input and an output layer, e.g. 784-256-10");
            }

            return sizes;
        }
    }
}
