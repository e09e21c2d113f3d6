// NumberFormats: the weight and activation formats a model can use (see Kernels/FixedPoint.cs).
namespace EdgeLearn.Runtime.Models
{
    /// <summary>How weights are stored.</summary>
    public enum WeightFormat
    {
        /// <summary>Binary weights +/- alpha per layer, packed 32 per uint.</summary>
        B1 = 1,

        /// <summary>Signed 8-bit weights in units of alpha / 32 (127 = 3.97 alpha).</summary>
        S8 = 2,
    }

    /// <summary>How neuron states are represented.</summary>
    public enum ActivationFormat
    {
        /// <summary>Multi-bit states in unsigned Q0.15 through the hard sigmoid ("bin-W").</summary>
        MultiBit = 1,

        /// <summary>Binary outputs h = [s &gt;= 0.5] of a leaky Q0.15 internal state ("bin-W-N").</summary>
        Binary = 2,
    }
}
