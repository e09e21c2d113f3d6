// EquilibriumPropagationInference: free-phase-only classification for devices that only infer.
// Holds the network and the relaxation scratch, nothing of the learner (no accumulators, no phase copies).
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.EquilibriumPropagation
{
    /// <summary>Classifies inputs with an EP network by running its free phase.</summary>
    public sealed class EquilibriumPropagationInference
    {
        private readonly EquilibriumPropagationRelaxation _relaxation;
        private readonly short[] _noTarget;

        /// <summary>Creates an inference engine; <paramref name="freeSteps"/> is the T the network was trained with.</summary>
        public EquilibriumPropagationInference(EquilibriumPropagationNetwork network, int freeSteps, KernelSet kernels)
        {
            if (network == null)
            {
                throw new ArgumentNullException(nameof(network));
            }

            if (freeSteps < 1 || freeSteps > 10000)
            {
                throw new ArgumentOutOfRangeException(nameof(freeSteps), "free steps must be in [1, 10000], got " + freeSteps);
            }

            Network = network;
            FreeSteps = freeSteps;
            _relaxation = new EquilibriumPropagationRelaxation(network, kernels);
            _noTarget = new short[network.Description.OutputSize];
        }

        /// <summary>The network.</summary>
        public EquilibriumPropagationNetwork Network { get; private set; }

        /// <summary>Free-phase steps T.</summary>
        public int FreeSteps { get; private set; }

        /// <summary>Memory plan of inference: persistent parameters and relaxation scratch, no learner state.</summary>
        public MemoryPlan Memory
        {
            get { return new MemoryPlan(Network.PersistentBytes, 0, _relaxation.ScratchBytes + 2L * _noTarget.Length); }
        }

        /// <summary>Predicted class of n_0 Q0.15 inputs from <paramref name="offset"/>.</summary>
        public int Predict(short[] x, int offset)
        {
            _relaxation.SetInput(x, offset);
            _relaxation.Reset();
            _relaxation.Relax(FreeSteps, 0, _noTarget, 0);
            return _relaxation.PredictClass();
        }

        /// <summary>Output layer state after the last <see cref="Predict"/> (n_L Q0.15 values; valid until the next call).</summary>
        public short[] OutputLayer
        {
            get { return _relaxation.Output(Network.Description.WeightLayerCount); }
        }
    }
}
