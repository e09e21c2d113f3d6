// SimulatedGpioDriver: a GpioDriver for the data-ready and trigger lines of a simulated sensor head, so a
// real System.Device.Gpio.GpioController can be built over it (new GpioController(driver)).
//
// Two sides:
//   the controller side (the board code): OpenPin, SetPinMode, Read, Write, WaitForEvent, callbacks;
//   the simulation side: SetInput drives an input line (a data-ready output of the sensor head),
//     OutputWritten reports what the board wrote on an output line (a trigger), and SetLineDead injects
//     the "missing data-ready" fault: the line stops moving.
// WaitForEvent sees only edges that happen while it waits (as with the kernel's line events, which are
// requested when the wait begins); a board that must not miss a level checks the level before and
// after waiting. Callbacks run synchronously on the thread that made the edge.
using System;
using System.Collections.Generic;
using System.Device.Gpio;
using System.Threading;

namespace EdgeLearn.HostSim.Buses
{
    /// <summary>Simulated GPIO pins with edge events. Thread-safe.</summary>
    public sealed class SimulatedGpioDriver : GpioDriver
    {
        private readonly object _gate = new object();
        private readonly Pin[] _pins;

        /// <summary>A driver with <paramref name="pinCount"/> pins (default 28, BCM 0..27 of a Raspberry Pi header).</summary>
        public SimulatedGpioDriver(int pinCount = 28)
        {
            if (pinCount < 1 || pinCount > 1024)
            {
                throw new ArgumentOutOfRangeException(nameof(pinCount), "pin count must be in 1..1024, was " + pinCount);
            }

            _pins = new Pin[pinCount];
            for (int i = 0; i < pinCount; i++)
            {
                _pins[i] = new Pin();
            }
        }

        /// <summary>Raised after the board writes an output pin: (pin, value).</summary>
        public event Action<int, PinValue>? OutputWritten;

        /// <inheritdoc />
        protected override int PinCount => _pins.Length;

        /// <summary>Whether pin <paramref name="pin"/> is open.</summary>
        public bool IsOpen(int pin)
        {
            lock (_gate)
            {
                return Get(pin).Open;
            }
        }

        /// <summary>Current level of pin <paramref name="pin"/> (input or output).</summary>
        public PinValue GetLevel(int pin)
        {
            lock (_gate)
            {
                return Get(pin).Level;
            }
        }

        /// <summary>
        /// Simulation side: drives input line <paramref name="pin"/> to <paramref name="value"/>. A change is an
        /// edge: waiters and callbacks registered for it are notified. Ignored while the line is dead.
        /// </summary>
        public void SetInput(int pin, PinValue value)
        {
            List<PinChangeEventHandler>? toCall = null;
            PinEventTypes edge;
            lock (_gate)
            {
                Pin p = Get(pin);
                if (p.Dead || p.Level == value)
                {
                    return;
                }

                p.Level = value;
                edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
                toCall = Edge(p, edge);
            }

            Notify(pin, edge, toCall);
        }

        /// <summary>Simulation side: a rising then a falling edge on input line <paramref name="pin"/> (a pulse).</summary>
        public void PulseInput(int pin)
        {
            SetInput(pin, PinValue.High);
            SetInput(pin, PinValue.Low);
        }

        /// <summary>
        /// Fault injection: while <paramref name="dead"/>, line <paramref name="pin"/> is held low and
        /// <see cref="SetInput"/> has no effect (a missing data-ready signal).
        /// </summary>
        public void SetLineDead(int pin, bool dead)
        {
            List<PinChangeEventHandler>? toCall = null;
            lock (_gate)
            {
                Pin p = Get(pin);
                p.Dead = dead;
                if (dead && p.Level == PinValue.High)
                {
                    p.Level = PinValue.Low;
                    toCall = Edge(p, PinEventTypes.Falling);
                }
            }

            if (toCall != null)
            {
                Notify(pin, PinEventTypes.Falling, toCall);
            }
        }

        /// <inheritdoc />
        protected override void OpenPin(int pinNumber)
        {
            lock (_gate)
            {
                Get(pinNumber).Open = true;
            }
        }

        /// <inheritdoc />
        protected override void ClosePin(int pinNumber)
        {
            lock (_gate)
            {
                Pin p = Get(pinNumber);
                p.Open = false;
                p.Handlers.Clear();
            }
        }

        /// <inheritdoc />
        protected override void SetPinMode(int pinNumber, PinMode mode)
        {
            lock (_gate)
            {
                Get(pinNumber).Mode = mode;
            }
        }

        /// <inheritdoc />
        protected override PinMode GetPinMode(int pinNumber)
        {
            lock (_gate)
            {
                return Get(pinNumber).Mode;
            }
        }

        /// <inheritdoc />
        protected override bool IsPinModeSupported(int pinNumber, PinMode mode)
        {
            return mode == PinMode.Input || mode == PinMode.Output || mode == PinMode.InputPullUp || mode == PinMode.InputPullDown;
        }

        /// <inheritdoc />
        protected override PinValue Read(int pinNumber)
        {
            lock (_gate)
            {
                return Get(pinNumber).Level;
            }
        }

        /// <inheritdoc />
        protected override void Write(int pinNumber, PinValue value)
        {
            List<PinChangeEventHandler>? toCall = null;
            PinEventTypes edge = PinEventTypes.None;
            lock (_gate)
            {
                Pin p = Get(pinNumber);
                if (p.Mode != PinMode.Output)
                {
                    throw new InvalidOperationException("pin " + pinNumber + " is not an output (mode " + p.Mode + ")");
                }

                if (p.Level != value)
                {
                    p.Level = value;
                    edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
                    toCall = Edge(p, edge);
                }
            }

            if (edge != PinEventTypes.None)
            {
                Notify(pinNumber, edge, toCall);
            }

            OutputWritten?.Invoke(pinNumber, value);
        }

        /// <inheritdoc />
        protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                Pin p = Get(pinNumber);
                long rising = p.RisingCount;
                long falling = p.FallingCount;
                using (cancellationToken.Register(() =>
                {
                    lock (_gate)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }))
                {
                    while (true)
                    {
                        if ((eventTypes & PinEventTypes.Rising) != 0 && p.RisingCount != rising)
                        {
                            return new WaitForEventResult { EventTypes = PinEventTypes.Rising, TimedOut = false };
                        }

                        if ((eventTypes & PinEventTypes.Falling) != 0 && p.FallingCount != falling)
                        {
                            return new WaitForEventResult { EventTypes = PinEventTypes.Falling, TimedOut = false };
                        }

                        if (cancellationToken.IsCancellationRequested)
                        {
                            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
                        }

                        Monitor.Wait(_gate);
                    }
                }
            }
        }

        /// <inheritdoc />
        protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
        {
            ArgumentNullException.ThrowIfNull(callback);
            lock (_gate)
            {
                Get(pinNumber).Handlers.Add(new Handler(eventTypes, callback));
            }
        }

        /// <inheritdoc />
        protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
        {
            lock (_gate)
            {
                Get(pinNumber).Handlers.RemoveAll(h => h.Callback == callback);
            }
        }

        /// <summary>Records an edge (caller holds the lock), wakes waiters and returns the callbacks to run.</summary>
        private List<PinChangeEventHandler>? Edge(Pin p, PinEventTypes edge)
        {
            if (edge == PinEventTypes.Rising)
            {
                p.RisingCount++;
            }
            else
            {
                p.FallingCount++;
            }

            Monitor.PulseAll(_gate);
            List<PinChangeEventHandler>? list = null;
            foreach (Handler h in p.Handlers)
            {
                if ((h.Types & edge) != 0)
                {
                    list ??= new List<PinChangeEventHandler>();
                    list.Add(h.Callback);
                }
            }

            return list;
        }

        private void Notify(int pin, PinEventTypes edge, List<PinChangeEventHandler>? callbacks)
        {
            if (callbacks == null)
            {
                return;
            }

            var args = new PinValueChangedEventArgs(edge, pin);
            foreach (PinChangeEventHandler c in callbacks)
            {
                c(this, args);
            }
        }

        private Pin Get(int pin)
        {
            if ((uint)pin >= (uint)_pins.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(pin), "pin must be in 0.." + (_pins.Length - 1) + ", was " + pin);
            }

            return _pins[pin];
        }

        private sealed class Pin
        {
            public bool Open;
            public bool Dead;
            public PinMode Mode = PinMode.Input;
            public PinValue Level = PinValue.Low;
            public long RisingCount;
            public long FallingCount;
            public readonly List<Handler> Handlers = new List<Handler>();
        }

        private readonly record struct Handler(PinEventTypes Types, PinChangeEventHandler Callback);
    }
}
