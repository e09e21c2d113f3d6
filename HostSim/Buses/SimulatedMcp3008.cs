// SimulatedMcp3008: an SpiDevice that answers the MCP3008 protocol bit for bit, so the real
// Iot.Device.Adc.Mcp3008 binding (or any other driver) reads simulated voltages unchanged.
//
// Wire protocol (MCP3008 datasheet, section 6; SPI mode 0 or 3, MSB first, one conversion per CS frame).
// DIN is decoded bit by bit: the device ignores zeros until the start bit, then reads SGL/DIFF and D2..D0;
// the input is sampled when D0 has been clocked in. DOUT (relative to the start bit at r = 0):
//
//   r:     0     1     2    3    4    5        6      7    8    9 .. 16     17 .. 25     26 ..
//   DIN:   S=1   SGL   D2   D1   D0   x        x      x    x    x ..        x ..         x
//   DOUT:  z     z     z    z    z    z(smpl)  null=0 B9   B8   B7 .. B0    B1 .. B9     0 ..
//
// With the 3-byte frame every driver uses (the start bit in the last bit of byte 0):
//   request   00000001  S D2 D1 D0 x x x x   xxxxxxxx         (S = SGL/DIFF, 1 = single-ended)
//   response  zzzzzzzz  z z z z z 0 B9 B8    B7 .. B0         result = ((b1 & 0x03) << 8) | b2
// z = DOUT high impedance, read as HighImpedanceBit. Iot.Device.Bindings 4.2.0's Mcp3008 sends exactly this
// frame through TransferFullDuplex (3 bytes: 0x01, 0x80 | channel << 4, 0x00 for a single-ended read;
// 0x01, channel-pair << 4, 0x00 for a pseudo-differential one) and rejects a reply whose null bit is 1.
// Input selection: SGL = 1: channel D2D1D0. SGL = 0 (pseudo-differential): pair (2 k, 2 k + 1) with
// D0 = 0: IN+ = 2k, IN- = 2k + 1; D0 = 1: IN+ = 2k + 1, IN- = 2k.  code = clamp(floor(1024 V / V_REF), 0, 1023).
using System;
using System.Collections.Generic;
using System.Device.Spi;
using EdgeLearn.HostSim.Devices;

namespace EdgeLearn.HostSim.Buses
{
    /// <summary>One recorded SPI transfer (request and response bytes), for protocol checks.</summary>
    /// <param name="Request">Bytes written (MOSI).</param>
    /// <param name="Response">Bytes read (MISO).</param>
    public sealed record SpiTransferRecord(byte[] Request, byte[] Response);

    /// <summary>
    /// Simulated MCP3008 10-bit ADC on an SPI chip select. Each Write/Read/TransferFullDuplex call is one
    /// chip-select frame, as on Linux spidev. Analog inputs come from an <see cref="AnalogPinWiring"/>.
    /// </summary>
    public sealed class SimulatedMcp3008 : SpiDevice
    {
        /// <summary>Analog input pins of the MCP3008.</summary>
        public const int PinCount = 8;

        /// <summary>Highest SPI clock the MCP3008 accepts (5 V supply), Hz.</summary>
        public const int MaxClockHz = 3_600_000;

        private string? _deviceName;
        private readonly SpiConnectionSettings _settings;
        private readonly AnalogPinWiring _pins;
        private readonly SimulatedClock _clock;
        private readonly long _vrefNv;
        private readonly List<SpiTransferRecord> _log = new List<SpiTransferRecord>();
        private long _conversions;
        private long _transfers;
        private bool _disposed;

        /// <summary>
        /// Creates the device. <paramref name="settings"/> are the connection settings the driver asked for
        /// (as SpiDevice.Create would receive them); mode must be 0 or 3, 8-bit words, clock 1 Hz .. 3.6 MHz.
        /// </summary>
        public SimulatedMcp3008(AnalogPinWiring pins, SpiConnectionSettings settings, SimulatedClock? clock = null,
            long referenceNanovolts = AdcTransfer.Mcp3008DefaultReferenceNanovolts)
        {
            _pins = pins ?? throw new ArgumentNullException(nameof(pins));
            ArgumentNullException.ThrowIfNull(settings);
            if (pins.PinCount != PinCount)
            {
                throw new ArgumentException("MCP3008 wiring must have 8 pins, had " + pins.PinCount, nameof(pins));
            }

            if (settings.Mode != SpiMode.Mode0 && settings.Mode != SpiMode.Mode3)
            {
                throw new ArgumentException("MCP3008 supports SPI mode 0 or 3, was " + settings.Mode, nameof(settings));
            }

            if (settings.DataBitLength != 8)
            {
                throw new ArgumentException("MCP3008 simulation needs 8-bit SPI words, was " + settings.DataBitLength, nameof(settings));
            }

            if (settings.ClockFrequency <= 0 || settings.ClockFrequency > MaxClockHz)
            {
                throw new ArgumentException("MCP3008 SPI clock must be in 1.." + MaxClockHz + " Hz, was " + settings.ClockFrequency, nameof(settings));
            }

            if (referenceNanovolts <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(referenceNanovolts), "V_REF must be positive, was " + referenceNanovolts + " nV");
            }

            _settings = Copy(settings);
            _clock = clock ?? new SimulatedClock();
            _vrefNv = referenceNanovolts;
        }

        /// <inheritdoc />
        public override SpiConnectionSettings ConnectionSettings => Copy(_settings);

        /// <summary>Fault injection switches.</summary>
        public AdcFaults Faults { get; } = new AdcFaults();

        /// <summary>What the analog pins are wired to.</summary>
        public AnalogPinWiring Pins => _pins;

        /// <summary>The simulated time this device advances.</summary>
        public SimulatedClock Clock => _clock;

        /// <summary>V_REF, nV.</summary>
        public long ReferenceNanovolts => _vrefNv;

        /// <summary>Value read back for bits where DOUT is high impedance (before the null bit). Default false (0).</summary>
        public bool HighImpedanceBit { get; set; }

        /// <summary>Record every transfer in <see cref="Transfers"/> (off by default; allocates per transfer).</summary>
        public bool RecordTransfers { get; set; }

        /// <summary>Recorded transfers, oldest first (only while <see cref="RecordTransfers"/> is on).</summary>
        public IReadOnlyList<SpiTransferRecord> Transfers => _log;

        /// <summary>Conversions performed so far.</summary>
        public long ConversionCount => _conversions;

        /// <summary>Chip-select frames seen so far (including failed ones).</summary>
        public long TransferCount => _transfers;

        /// <summary>True once disposed (the binding disposes the device it was given).</summary>
        public bool IsDisposed => _disposed;

        /// <inheritdoc />
        public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            if (writeBuffer.Length != readBuffer.Length)
            {
                throw new ArgumentException("SPI full-duplex buffers must have the same length, were " + writeBuffer.Length + " and " + readBuffer.Length, nameof(readBuffer));
            }

            Frame(writeBuffer, readBuffer);
        }

        /// <inheritdoc />
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            byte[] discard = new byte[buffer.Length];
            Frame(buffer, discard);
        }

        /// <inheritdoc />
        public override void Read(Span<byte> buffer)
        {
            byte[] zeros = new byte[buffer.Length];
            Frame(zeros, buffer);
        }

        /// <inheritdoc />
        public override void WriteByte(byte value)
        {
            Span<byte> w = stackalloc byte[1] { value };
            Span<byte> r = stackalloc byte[1];
            Frame(w, r);
        }

        /// <inheritdoc />
        public override byte ReadByte()
        {
            Span<byte> w = stackalloc byte[1];
            Span<byte> r = stackalloc byte[1];
            Frame(w, r);
            return r[0];
        }

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }

        // Named once: building the name on every transfer allocated a string per frame.
        private string DeviceName => _deviceName ??= "MCP3008 (SPI " + _settings.BusId + "." + _settings.ChipSelectLine + ")";

        /// <summary>One chip-select frame: decode DIN bit by bit, drive DOUT, convert once if a command completed.</summary>
        private void Frame(ReadOnlySpan<byte> write, Span<byte> read)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _transfers++;
            _clock.Advance(SimulatedClock.BitsToNanoseconds(8L * write.Length, _settings.ClockFrequency));
            Faults.ThrowIfTransferFails(DeviceName);

            bool lsbFirst = _settings.DataFlow == DataFlow.LsbFirst;
            int totalBits = 8 * write.Length;
            int start = -1;
            int command = 0;
            int code = -1;
            read.Clear();
            for (int g = 0; g < totalBits; g++)
            {
                int inBit = (write[g >> 3] >> WireBit(g, lsbFirst)) & 1;
                bool outBit;
                if (start < 0)
                {
                    outBit = HighImpedanceBit;
                    if (inBit == 1)
                    {
                        start = g;
                    }
                }
                else
                {
                    int r = g - start;
                    if (r <= 4)
                    {
                        command = (command << 1) | inBit;
                        if (r == 4)
                        {
                            code = Convert(command);
                        }

                        outBit = HighImpedanceBit;
                    }
                    else if (r == 5)
                    {
                        outBit = HighImpedanceBit;
                    }
                    else if (r == 6)
                    {
                        outBit = false;
                    }
                    else if (r <= 16)
                    {
                        outBit = ((code >> (16 - r)) & 1) != 0;
                    }
                    else if (r <= 25)
                    {
                        outBit = ((code >> (r - 16)) & 1) != 0;
                    }
                    else
                    {
                        outBit = false;
                    }
                }

                if (outBit)
                {
                    read[g >> 3] |= (byte)(1 << WireBit(g, lsbFirst));
                }
            }

            if (RecordTransfers)
            {
                _log.Add(new SpiTransferRecord(write.ToArray(), read.ToArray()));
            }
        }

        private static SpiConnectionSettings Copy(SpiConnectionSettings s)
        {
            return new SpiConnectionSettings(s.BusId, s.ChipSelectLine)
            {
                Mode = s.Mode,
                DataBitLength = s.DataBitLength,
                ClockFrequency = s.ClockFrequency,
                DataFlow = s.DataFlow,
                ChipSelectLineActiveState = s.ChipSelectLineActiveState,
            };
        }

        /// <summary>Bit position inside its byte of the g-th bit on the wire.</summary>
        private static int WireBit(int g, bool lsbFirst)
        {
            return lsbFirst ? (g & 7) : 7 - (g & 7);
        }

        /// <summary>Samples the inputs selected by the 4 command bits (SGL D2 D1 D0) and returns the code.</summary>
        private int Convert(int command)
        {
            _conversions++;
            bool single = (command & 0x8) != 0;
            int select = command & 0x7;
            long v;
            if (single)
            {
                v = _pins.Sample(select);
            }
            else
            {
                int pair = select & 0x6;
                int plus = (select & 1) == 0 ? pair : pair + 1;
                int minus = (select & 1) == 0 ? pair + 1 : pair;
                long vp = _pins.Sample(plus);
                long vm = _pins.Sample(minus);
                v = SimMath.AddSaturate(vp, -vm);
            }

            int code = AdcTransfer.Mcp3008Code(v, _vrefNv);
            return Faults.Apply(code, 0, AdcTransfer.Mcp3008MaxCode);
        }
    }
}
