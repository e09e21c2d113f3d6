// MemoryPlan: exact bytes a model and its learner need, known before anything is allocated.
namespace EdgeLearn.Runtime.Models
{
    /// <summary>
    /// Bytes by lifetime: persistent (weights, biases, scales: what an inference image holds), learner state
    /// (optimizer or plasticity state such as BOP accumulators: needed only to keep learning), and scratch
    /// (states, phase buffers, pre-activations: needed while running). Exact counts of array payloads.
    /// </summary>
    public sealed class MemoryPlan
    {
        /// <summary>Creates a plan from its three parts (bytes).</summary>
        public MemoryPlan(long persistent, long learnerState, long scratch)
        {
            Persistent = persistent;
            LearnerState = learnerState;
            Scratch = scratch;
        }

        /// <summary>Weights, biases and scales.</summary>
        public long Persistent { get; private set; }

        /// <summary>Learning state (accumulators, latent weights, homeostasis).</summary>
        public long LearnerState { get; private set; }

        /// <summary>Working buffers.</summary>
        public long Scratch { get; private set; }

        /// <summary>Sum of the three parts.</summary>
        public long Total
        {
            get { return Persistent + LearnerState + Scratch; }
        }
    }
}
