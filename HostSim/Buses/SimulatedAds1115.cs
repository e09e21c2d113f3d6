// SimulatedAds1115: an I2cDevice that models the ADS1115's registers, so the real
// Iot.Device.Ads1115.Ads1115 binding reads simulated voltages unchanged and never times out.
//
// Register map (ADS1115 datasheet, section 9.6); every transaction first writes the pointer register:
//   pointer byte  000000 P1 P0      00 conversion (read-only), 01 config, 10 Lo_thresh, 11 Hi_thresh
//   write         [addr W] [pointer] [MSB] [LSB]          (16-bit registers, big-endian)
//   read          [addr R] [MSB] [LSB]                    (from the register the pointer selects)
// Config register (reset 0x8583):
//   15   14 13 12   11 10 9   8      7 6 5   4          3         2         1 0
//   OS | MUX       | PGA    | MODE | DR    | COMP_MODE | COMP_POL | COMP_LAT | COMP_QUE
//   OS write 1: start a single conversion (power-down mode only); OS read: 0 converting, 1 idle.
//   MUX: 000 AIN0-AIN1, 001 AIN0-AIN3, 010 AIN1-AIN3, 011 AIN2-AIN3, 1xx AINx-GND (x = MUX & 3).
//   PGA: full scale 6.144, 4.096, 2.048, 1.024, 0.512, 0.256 V (110, 111 also 0.256 V).
//   MODE 1: single-shot / power-down; 0: continuous. DR: 8, 16, 32, 64, 128, 250, 475, 860 SPS.
// Timing, in simulated time (SimulatedClock): each transaction takes its bits at the I2C clock
// (9 bits per byte including the address, plus start/stop); a single-shot conversion completes
// 1/DR after the config write that started it, and the input is sampled at completion. In continuous mode
// a conversion completes every 1/DR and OS reads 0, as on the chip. The binding polls OS between
// conversions, so at 100 kHz it sees "busy" for a realistic number of polls (about 3 at 860 SPS, 260 at 8 SPS)
// and never reaches its 5000-poll timeout. ImmediateConversions makes every conversion complete at once.
// code = clamp(round(V_diff / (FSR / 32768)), -32768, 32767).
using System;
using System.Device.I2c;
using EdgeLearn.HostSim.Devices;

namespace EdgeLearn.HostSim.Buses
{
    /// <summary>
    /// Simulated ADS1115 16-bit ADC at one I2C address (0x48 .. 0x4B). Analog inputs AIN0..AIN3 come from an
    /// <see cref="AnalogPinWiring"/> of 4 pins. Not thread-safe (one bus master, as on a real bus).
    /// </summary>
    public sealed class SimulatedAds1115 : I2cDevice
    {
        /// <summary>Analog input pins AIN0..AIN3.</summary>
        public const int PinCount = 4;

        /// <summary>Config register value after reset.</summary>
        public const ushort ConfigResetValue = 0x8583;

        private string? _deviceName;
        private static readonly int[] SamplesPerSecond = { 8, 16, 32, 64, 128, 250, 475, 860 };

        private readonly I2cConnectionSettings _settings;
        private readonly AnalogPinWiring _pins;
        private readonly SimulatedClock _clock;
        private readonly long _busClockHz;
        private int _pointer;
        private ushort _config = ConfigResetValue;
        private short _conversion;
        private ushort _loThreshold = 0x8000;
        private ushort _hiThreshold = 0x7FFF;
        private bool _singleShotBusy;
        private long _singleShotEnd;
        private int _singleShotConfig;
        private bool _continuous;
        private long _continuousStart;
        private long _continuousDone;
        private long _conversions;
        private long _transactions;
        private bool _disposed;

        /// <summary>
        /// Creates the device for <paramref name="settings"/> (address 0x48 .. 0x4B). <paramref name="busClockHz"/>
        /// is the I2C clock used for transaction timing (default 100 kHz, the Raspberry Pi default).
        /// </summary>
        public SimulatedAds1115(AnalogPinWiring pins, I2cConnectionSettings settings, SimulatedClock? clock = null, long busClockHz = 100_000)
        {
            _pins = pins ?? throw new ArgumentNullException(nameof(pins));
            ArgumentNullException.ThrowIfNull(settings);
            if (pins.PinCount != PinCount)
            {
                throw new ArgumentException("ADS1115 wiring must have 4 pins, had " + pins.PinCount, nameof(pins));
            }

            if (settings.DeviceAddress < 0x48 || settings.DeviceAddress > 0x4B)
            {
                throw new ArgumentException("ADS1115 address must be 0x48..0x4B, was 0x" + settings.DeviceAddress.ToString("X2", System.Globalization.CultureInfo.InvariantCulture), nameof(settings));
            }

            if (busClockHz < 1_000 || busClockHz > 3_400_000)
            {
                throw new ArgumentOutOfRangeException(nameof(busClockHz), "I2C clock must be in 1 kHz .. 3.4 MHz, was " + busClockHz + " Hz");
            }

            _settings = new I2cConnectionSettings(settings.BusId, settings.DeviceAddress);
            _clock = clock ?? new SimulatedClock();
            _busClockHz = busClockHz;
        }

        /// <inheritdoc />
        public override I2cConnectionSettings ConnectionSettings => new I2cConnectionSettings(_settings.BusId, _settings.DeviceAddress);

        /// <summary>Fault injection switches.</summary>
        public AdcFaults Faults { get; } = new AdcFaults();

        /// <summary>What AIN0..AIN3 are wired to.</summary>
        public AnalogPinWiring Pins => _pins;

        /// <summary>The simulated time this device advances and converts in.</summary>
        public SimulatedClock Clock => _clock;

        /// <summary>Complete every conversion at once instead of 1/DR later (OS still behaves as on the chip). Default false.</summary>
        public bool ImmediateConversions { get; set; }

        /// <summary>Current config register (OS shown as written last, see <see cref="IsBusy"/> for the status).</summary>
        public ushort ConfigRegister => _config;

        /// <summary>Current conversion register.</summary>
        public short ConversionRegister => _conversion;

        /// <summary>Lo_thresh register.</summary>
        public ushort LowThresholdRegister => _loThreshold;

        /// <summary>Hi_thresh register.</summary>
        public ushort HighThresholdRegister => _hiThreshold;

        /// <summary>True while a single-shot conversion is in progress or the device converts continuously.</summary>
        public bool IsBusy => _continuous || _singleShotBusy;

        /// <summary>Conversions completed so far.</summary>
        public long ConversionCount => _conversions;

        /// <summary>I2C transactions seen so far (including failed ones).</summary>
        public long TransactionCount => _transactions;

        /// <summary>True once disposed.</summary>
        public bool IsDisposed => _disposed;

        /// <summary>Conversion time at data-rate bits <paramref name="dataRateBits"/> (0..7), ns: ceil(1e9 / SPS).</summary>
        public static long ConversionNanoseconds(int dataRateBits)
        {
            if ((uint)dataRateBits > 7)
            {
                throw new ArgumentOutOfRangeException(nameof(dataRateBits), "ADS1115 DR bits must be in 0..7, was " + dataRateBits);
            }

            int sps = SamplesPerSecond[dataRateBits];
            return (1_000_000_000L + sps - 1) / sps;
        }

        /// <inheritdoc />
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Begin(9L * (1 + buffer.Length) + 2);
            WritePayload(buffer);
        }

        /// <inheritdoc />
        public override void WriteByte(byte value)
        {
            Begin(9L * 2 + 2);
            WritePayload(stackalloc byte[1] { value });
        }

        /// <inheritdoc />
        public override void Read(Span<byte> buffer)
        {
            Begin(9L * (1 + buffer.Length) + 2);
            ReadPayload(buffer);
        }

        /// <inheritdoc />
        public override byte ReadByte()
        {
            Span<byte> b = stackalloc byte[1];
            Begin(9L * 2 + 2);
            ReadPayload(b);
            return b[0];
        }

        /// <inheritdoc />
        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            Begin((9L * (1 + writeBuffer.Length)) + 1 + (9L * (1 + readBuffer.Length)) + 2);
            WritePayload(writeBuffer);
            ReadPayload(readBuffer);
        }

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }

        // Named once: building the name on every transfer allocated a string per frame.
        private string DeviceName => _deviceName ??= "ADS1115 (I2C " + _settings.BusId + ", 0x" + _settings.DeviceAddress.ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + ")";

        /// <summary>Starts a transaction: time passes on the wire, faults fire, finished conversions land.</summary>
        private void Begin(long bits)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _transactions++;
            _clock.Advance(SimulatedClock.BitsToNanoseconds(bits, _busClockHz));
            Faults.ThrowIfTransferFails(DeviceName);
            Update();
        }

        private void WritePayload(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length == 0)
            {
                return;
            }

            _pointer = bytes[0] & 0x03;
            if (bytes.Length < 3)
            {
                // Pointer-only write (or an incomplete register write, which the chip does not latch).
                return;
            }

            ushort value = (ushort)((bytes[1] << 8) | bytes[2]);
            switch (_pointer)
            {
                case 0:
                    break; // conversion register is read-only
                case 1:
                    WriteConfig(value);
                    break;
                case 2:
                    _loThreshold = value;
                    break;
                default:
                    _hiThreshold = value;
                    break;
            }
        }

        private void ReadPayload(Span<byte> buffer)
        {
            ushort value;
            switch (_pointer)
            {
                case 0:
                    value = (ushort)_conversion;
                    break;
                case 1:
                    value = (ushort)((_config & 0x7FFF) | (IsBusy ? 0 : 0x8000));
                    break;
                case 2:
                    value = _loThreshold;
                    break;
                default:
                    value = _hiThreshold;
                    break;
            }

            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (i & 1) == 0 ? (byte)(value >> 8) : (byte)value;
            }
        }

        private void WriteConfig(ushort value)
        {
            bool startSingle = (value & 0x8000) != 0;
            bool singleShotMode = (value & 0x0100) != 0;
            _config = (ushort)(value & 0x7FFF);
            long now = _clock.NowNanoseconds;
            if (!singleShotMode)
            {
                if (!_continuous)
                {
                    _continuous = true;
                    _singleShotBusy = false;
                    _continuousStart = now;
                    _continuousDone = 0;
                }

                return;
            }

            _continuous = false;
            if (startSingle && !_singleShotBusy)
            {
                _singleShotBusy = true;
                _singleShotConfig = _config;
                _singleShotEnd = ImmediateConversions ? now : now + ConversionNanoseconds((_config >> 5) & 7);
                Update();
            }
        }

        /// <summary>Lands every conversion that has finished by now.</summary>
        private void Update()
        {
            if (Faults.ConversionNeverCompletes)
            {
                return;
            }

            long now = _clock.NowNanoseconds;
            if (_singleShotBusy && now >= _singleShotEnd)
            {
                _singleShotBusy = false;
                _conversion = Convert(_singleShotConfig);
            }

            if (_continuous)
            {
                long period = ConversionNanoseconds((_config >> 5) & 7);
                long done = ImmediateConversions ? _continuousDone + 1 : (now - _continuousStart) / period;
                if (done > _continuousDone)
                {
                    _continuousDone = done;
                    _conversion = Convert(_config);
                }
            }
        }

        /// <summary>Samples the inputs selected by <paramref name="config"/>'s MUX and converts with its PGA.</summary>
        private short Convert(int config)
        {
            _conversions++;
            int mux = (config >> 12) & 7;
            int pga = (config >> 9) & 7;
            long v;
            if (mux >= 4)
            {
                v = _pins.Sample(mux & 3);
            }
            else
            {
                int plus = mux == 3 ? 2 : (mux == 2 ? 1 : 0);
                int minus = mux == 0 ? 1 : 3;
                long vp = _pins.Sample(plus);
                long vm = _pins.Sample(minus);
                v = SimMath.AddSaturate(vp, -vm);
            }

            int code = AdcTransfer.Ads1115Code(v, AdcTransfer.Ads1115FullScaleNanovolts(pga));
            return (short)Faults.Apply(code, short.MinValue, short.MaxValue);
        }
    }
}
