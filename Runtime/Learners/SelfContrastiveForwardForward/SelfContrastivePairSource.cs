// SelfContrastivePairSource: the positive and negative pairs of SCFF from a stream of inputs (ALGORITHMS.md 3).
//
// Per input x (n_0 Q0.15 values):
//   positive pair  [v1(x) | v2(x)]   two views of x
//   negative pair  [v1(x) | v3(y)]   y a recent input drawn uniformly from a ring of the last R inputs (not x itself)
// then x enters the ring (the oldest input leaves). The very first input has no negative (HasNegative false).
// A view is x shifted by a random offset in [-S, S] per axis, the vacated pixels filled with 0: images shift along
// both axes (the authors' +/- 2 pixel translations), frames (width 0) along their one axis (jitter). S = 0 copies.
// Random draws, in this order per input, so an oracle can replay them: v1 (dx, then dy for images) and v2 from the
// view stream; the ring slot (NextBelow(count)) from the negative stream; v3 from the view stream. Works the same
// for a mini-batch and for a stream with batch size 1. Nothing is allocated after construction.
//
// Buffers: _ring short[R * n_0] (learner state), View1 / View2 / NegativeView short[n_0] (scratch).
// Learner state (what a full model image saves, Runtime/Images/SelfContrastiveForwardForwardImage.cs): the ring's
// first Count slots, the next slot to write, and the two generators. The ring fills slots 0, 1, ... in order, so
// while it is not full the next slot is Count; slots at and above Count are never read before they are written.
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward
{
    /// <summary>Makes SCFF's positive and negative pairs from a stream of inputs.</summary>
    public sealed class SelfContrastivePairSource
    {
        /// <summary>Generator stream of the view shifts.</summary>
        public const uint ViewStream = 4;

        /// <summary>Generator stream of the negative partner choice.</summary>
        public const uint NegativeStream = 5;

        private readonly int _n;
        private readonly int _imageWidth;
        private readonly int _width;
        private readonly int _height;
        private readonly int _shift;
        private readonly short[] _ring;
        private readonly int _capacity;
        private readonly Xoshiro128 _views;
        private readonly Xoshiro128 _negatives;
        private int _count;
        private int _next;

        /// <summary>
        /// Creates a source for inputs of <paramref name="inputSize"/> values: images of <paramref name="imageWidth"/>
        /// columns (inputSize must be a multiple of it), or frames when imageWidth is 0.
        /// </summary>
        public SelfContrastivePairSource(int inputSize, int imageWidth, int ringSize, int viewShift, uint seed)
        {
            if (inputSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(inputSize), "input size must be at least 1, got " + inputSize);
            }

            if (imageWidth < 0 || (imageWidth > 0 && inputSize % imageWidth != 0))
            {
                throw new ArgumentOutOfRangeException(nameof(imageWidth), "image width " + imageWidth + " does not divide the input size " + inputSize + " (use 0 for frames)");
            }

            if (ringSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(ringSize), "ring size must be at least 1, got " + ringSize);
            }

            if (viewShift < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(viewShift), "view shift must be at least 0, got " + viewShift);
            }

            _n = inputSize;
            _imageWidth = imageWidth;
            _width = imageWidth == 0 ? inputSize : imageWidth;
            _height = imageWidth == 0 ? 1 : inputSize / imageWidth;
            _shift = viewShift;
            _capacity = ringSize;
            _ring = new short[ringSize * inputSize];
            _views = new Xoshiro128(seed, ViewStream);
            _negatives = new Xoshiro128(seed, NegativeStream);
            View1 = new short[inputSize];
            View2 = new short[inputSize];
            NegativeView = new short[inputSize];
        }

        /// <summary>First view v1(x) of the current input (first half of both pairs).</summary>
        public short[] View1 { get; private set; }

        /// <summary>Second view v2(x) of the current input (second half of the positive pair).</summary>
        public short[] View2 { get; private set; }

        /// <summary>View v3(y) of the negative partner (second half of the negative pair); valid when <see cref="HasNegative"/>.</summary>
        public short[] NegativeView { get; private set; }

        /// <summary>True when the current input has a negative partner (false only before the ring holds anything).</summary>
        public bool HasNegative { get; private set; }

        /// <summary>Ring slot of the current negative partner (for tests and oracles), -1 without one.</summary>
        public int NegativeSlot { get; private set; }

        /// <summary>Inputs currently in the ring.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Capacity R of the ring.</summary>
        public int Capacity
        {
            get { return _capacity; }
        }

        /// <summary>Width of image inputs (views shift along both axes), 0 for frames.</summary>
        public int ImageWidth
        {
            get { return _imageWidth; }
        }

        /// <summary>Bytes of the ring (learner state) and of the three views (scratch).</summary>
        public long RingBytes
        {
            get { return 2L * _ring.Length; }
        }

        /// <summary>Bytes of the three view buffers.</summary>
        public long ScratchBytes
        {
            get { return 2L * 3 * _n; }
        }

        /// <summary>Makes the pairs of the input at <paramref name="offset"/>, then adds it to the ring.</summary>
        public void Next(short[] x, int offset)
        {
            Shift(x, offset, View1);
            Shift(x, offset, View2);
            HasNegative = _count > 0;
            NegativeSlot = -1;
            if (HasNegative)
            {
                NegativeSlot = (int)_negatives.NextBelow((uint)_count);
                Shift(_ring, NegativeSlot * _n, NegativeView);
            }

            Array.Copy(x, offset, _ring, _next * _n, _n);
            _next = _next + 1 == _capacity ? 0 : _next + 1;
            if (_count < _capacity)
            {
                _count++;
            }
        }

        /// <summary>Empties the ring (the next input has no negative).</summary>
        public void Clear()
        {
            _count = 0;
            _next = 0;
        }

        // Learner state for model images (Runtime/Images/SelfContrastiveForwardForwardImage.cs reads and overwrites
        // these in place).
        internal short[] StateRing
        {
            get { return _ring; }
        }

        internal int StateNext
        {
            get { return _next; }
        }

        internal Xoshiro128 StateViewRandom
        {
            get { return _views; }
        }

        internal Xoshiro128 StateNegativeRandom
        {
            get { return _negatives; }
        }

        // Sets the ring position after its slots were written (count in [0, R], next = count while not full).
        internal void RestoreRing(int count, int next)
        {
            _count = count;
            _next = next;
            HasNegative = false;
            NegativeSlot = -1;
        }

        // One random shift of the n_0 values at offset into view; vacated positions are 0.
        private void Shift(short[] source, int offset, short[] view)
        {
            if (_shift == 0)
            {
                Array.Copy(source, offset, view, 0, _n);
                return;
            }

            uint span = (uint)(2 * _shift + 1);
            int dx = (int)_views.NextBelow(span) - _shift;
            int dy = _height > 1 ? (int)_views.NextBelow(span) - _shift : 0;
            for (int r = 0; r < _height; r++)
            {
                int sr = r - dy;
                for (int c = 0; c < _width; c++)
                {
                    int sc = c - dx;
                    bool inside = sr >= 0 && sr < _height && sc >= 0 && sc < _width;
                    view[r * _width + c] = inside ? source[offset + sr * _width + sc] : (short)0;
                }
            }
        }
    }
}
