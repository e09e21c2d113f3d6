// AnalogPinWiring: what each analog input pin of a simulated ADC is connected to.
using System;
using System.Globalization;
using EdgeLearn.HostSim.Devices;

namespace EdgeLearn.HostSim.Buses
{
    /// <summary>
    /// Maps the analog input pins of a simulated ADC to voltage-source channels or fixed voltages.
    /// An unconnected pin reads 0 V (tied to ground).
    /// </summary>
    public sealed class AnalogPinWiring
    {
        private readonly IVoltageSource?[] _sources;
        private readonly int[] _channels;
        private readonly long[] _fixedNv;

        /// <summary>Wiring for an ADC with <paramref name="pinCount"/> inputs, all tied to ground.</summary>
        public AnalogPinWiring(int pinCount)
        {
            if (pinCount < 1 || pinCount > 64)
            {
                throw new ArgumentOutOfRangeException(nameof(pinCount), "pin count must be in 1..64, was " + pinCount);
            }

            _sources = new IVoltageSource?[pinCount];
            _channels = new int[pinCount];
            _fixedNv = new long[pinCount];
        }

        /// <summary>Number of analog input pins.</summary>
        public int PinCount => _sources.Length;

        /// <summary>
        /// Pins 0, 1, ... connected to channels <paramref name="firstChannel"/>, firstChannel + 1, ... of
        /// <paramref name="source"/> while the source has channels; the remaining pins are grounded.
        /// </summary>
        public static AnalogPinWiring Consecutive(int pinCount, IVoltageSource source, int firstChannel)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (firstChannel < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(firstChannel), "first channel must be >= 0, was " + firstChannel);
            }

            var wiring = new AnalogPinWiring(pinCount);
            for (int pin = 0; pin < pinCount && firstChannel + pin < source.ChannelCount; pin++)
            {
                wiring.Connect(pin, source, firstChannel + pin);
            }

            return wiring;
        }

        /// <summary>Connects pin <paramref name="pin"/> to channel <paramref name="channel"/> of <paramref name="source"/>.</summary>
        public AnalogPinWiring Connect(int pin, IVoltageSource source, int channel)
        {
            CheckPin(pin);
            ArgumentNullException.ThrowIfNull(source);
            if ((uint)channel >= (uint)source.ChannelCount)
            {
                throw new ArgumentOutOfRangeException(nameof(channel), "channel must be in 0.." + (source.ChannelCount - 1) + ", was " + channel);
            }

            _sources[pin] = source;
            _channels[pin] = channel;
            return this;
        }

        /// <summary>Ties pin <paramref name="pin"/> to a fixed voltage (a reference such as V_mid, or ground with 0).</summary>
        public AnalogPinWiring Tie(int pin, long nanovolts)
        {
            CheckPin(pin);
            _sources[pin] = null;
            _fixedNv[pin] = nanovolts;
            return this;
        }

        /// <summary>True when the pin is connected to a source channel (not tied).</summary>
        public bool IsConnected(int pin)
        {
            CheckPin(pin);
            return _sources[pin] != null;
        }

        /// <summary>Source channel of a connected pin, or -1 for a tied pin.</summary>
        public int ChannelOf(int pin)
        {
            CheckPin(pin);
            return _sources[pin] != null ? _channels[pin] : -1;
        }

        /// <summary>One conversion's voltage at pin <paramref name="pin"/>, nV (draws the source's noise).</summary>
        public long Sample(int pin)
        {
            CheckPin(pin);
            IVoltageSource? s = _sources[pin];
            return s != null ? s.SampleNanovolts(_channels[pin]) : _fixedNv[pin];
        }

        /// <summary>"pin 0 -> channel 3" or "pin 3 = 1650000000 nV".</summary>
        public string Describe(int pin)
        {
            CheckPin(pin);
            return _sources[pin] != null
                ? string.Format(CultureInfo.InvariantCulture, "pin {0} -> channel {1}", pin, _channels[pin])
                : string.Format(CultureInfo.InvariantCulture, "pin {0} = {1} nV", pin, _fixedNv[pin]);
        }

        private void CheckPin(int pin)
        {
            if ((uint)pin >= (uint)_sources.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(pin), "pin must be in 0.." + (_sources.Length - 1) + ", was " + pin);
            }
        }
    }
}
