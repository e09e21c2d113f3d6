// SelfContrastiveFeatureExtractor: the features a readout learns from, for devices that only infer or that train a
// readout on top of a frozen SCFF network. The input x is presented as the positive pair (x, x) (ALGORITHMS.md 3);
// the features are the standardised centred relu of every layer, concatenated (the authors' choice), or of the last
// layer only. Holds the network and one forward pass of scratch, nothing of the learner.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward
{
    /// <summary>Computes readout features (Q.10 s16) of inputs with a frozen SCFF network.</summary>
    public sealed class SelfContrastiveFeatureExtractor
    {
        private readonly SelfContrastiveForwardForwardNetwork _network;
        private readonly SelfContrastiveForwardPass _pass;
        private readonly int _firstLayer;

        /// <summary>Creates an extractor of the features of every layer (<paramref name="allLayers"/>) or of the last one.</summary>
        public SelfContrastiveFeatureExtractor(SelfContrastiveForwardForwardNetwork network, KernelSet kernels, bool allLayers)
        {
            if (network == null)
            {
                throw new ArgumentNullException(nameof(network));
            }

            _network = network;
            _pass = new SelfContrastiveForwardPass(network, kernels);
            int layers = network.LayerCount;
            _firstLayer = allLayers ? 0 : layers - 1;
            int count = 0;
            for (int l = _firstLayer; l < layers; l++)
            {
                count += network.Description.Size(l + 1);
            }

            FeatureCount = count;
        }

        /// <summary>Number of features per input.</summary>
        public int FeatureCount { get; private set; }

        /// <summary>Input size n_0.</summary>
        public int InputSize
        {
            get { return _network.Description.InputSize; }
        }

        /// <summary>Memory of inference: the network's parameters and the pass's scratch; no learner state.</summary>
        public MemoryPlan Memory
        {
            get { return new MemoryPlan(_network.PersistentBytes, 0, _pass.ScratchBytes); }
        }

        /// <summary>Writes the <see cref="FeatureCount"/> features of the n_0 Q0.15 inputs at <paramref name="offset"/> to <paramref name="features"/>.</summary>
        public void Compute(short[] x, int offset, short[] features, int featuresOffset)
        {
            int layers = _network.LayerCount;
            _pass.Run(x, offset, x, offset, layers - 1);
            int at = featuresOffset;
            for (int l = _firstLayer; l < layers; l++)
            {
                _pass.Features(l, features, at);
                at += _network.Description.Size(l + 1);
            }
        }
    }
}
