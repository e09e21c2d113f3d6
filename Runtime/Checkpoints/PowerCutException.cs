// PowerCutException: thrown by the simulated flash store when a scheduled power cut happens, and by every
// operation after it until power is restored (the device is "off").
using System;

namespace EdgeLearn.Runtime.Checkpoints
{
    /// <summary>A simulated loss of power during (or after) a store operation.</summary>
    public sealed class PowerCutException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public PowerCutException(string message)
            : base(message)
        {
        }
    }
}
