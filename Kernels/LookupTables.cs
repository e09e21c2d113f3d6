// LookupTables: small deterministic function tables (logistic, softplus) for learning rules that need
// smooth functions without floating point (SCFF's loss gradient, softmax-free readouts).
//
// Input format: Q.12 signed (4096 = 1.0). The tables sample x = -8 + i/16 for i in [0, 256] and
// interpolate linearly between neighbours with the shared rounding shift; outside [-8, 8] the end
// value is held (softplus(x) returns x above 8). Table values were generated once by a script as
// round(32768 / (1 + e^-x)) and round(4096 ln(1 + e^x)); a test recomputes them in double precision.
// Worst-case error against the exact functions (bounds derived here; a test checks every Q.12 input in
// [-12, 12] and the extremes): inside [-8, 8] at most 0.5 LSB from rounding the table, 0.5 LSB from the
// rounding shift and h^2/8 max|f''| (h = 1/16) from interpolation, i.e. logistic 2.6 Q15 LSB (8e-5;
// measured 2.2) and softplus 1.5 Q12 LSB (3.7e-4; measured 1.4). Outside, where the end value is held:
// logistic 11 Q15 LSB (3.4e-4, reached as |x| grows), softplus 4096 ln(1 + e^-8) = 1.4 Q12 LSB (3.4e-4).
namespace EdgeLearn.Kernels
{
    /// <summary>Logistic and softplus by table lookup with linear interpolation; integer only.</summary>
    public static class LookupTables
    {
        /// <summary>Fractional bits of the table input and of softplus output (Q.12).</summary>
        public const int InputFractionBits = 12;

        private const int Entries = 257;
        private const int StepShift = 8; // one table step = 1/16 = 2^8 in Q.12
        private const int LowerBound = -8 * 4096;
        private const int UpperBound = 8 * 4096;

        private static readonly int[] Logistic = new int[]
        {
            11, 12, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22,
            23, 25, 26, 28, 30, 32, 34, 36, 38, 41, 43, 46,
            49, 52, 56, 59, 63, 67, 72, 76, 81, 86, 92, 98,
            104, 111, 118, 125, 133, 142, 151, 161, 171, 182, 194, 206,
            219, 233, 248, 264, 281, 299, 318, 338, 360, 383, 407, 433,
            461, 490, 521, 554, 589, 627, 666, 708, 753, 800, 851, 904,
            961, 1021, 1084, 1152, 1223, 1299, 1379, 1464, 1554, 1649, 1750, 1856,
            1969, 2088, 2213, 2346, 2486, 2633, 2789, 2952, 3124, 3306, 3496, 3696,
            3906, 4126, 4357, 4599, 4851, 5115, 5391, 5678, 5978, 6289, 6613, 6949,
            7297, 7658, 8031, 8416, 8813, 9221, 9641, 10072, 10513, 10964, 11424, 11894,
            12371, 12856, 13348, 13845, 14347, 14852, 15361, 15872, 16384, 16896, 17407, 17916,
            18421, 18923, 19420, 19912, 20397, 20874, 21344, 21804, 22255, 22696, 23127, 23547,
            23955, 24352, 24737, 25110, 25471, 25819, 26155, 26479, 26790, 27090, 27377, 27653,
            27917, 28169, 28411, 28642, 28862, 29072, 29272, 29462, 29644, 29816, 29979, 30135,
            30282, 30422, 30555, 30680, 30799, 30912, 31018, 31119, 31214, 31304, 31389, 31469,
            31545, 31616, 31684, 31747, 31807, 31864, 31917, 31968, 32015, 32060, 32102, 32141,
            32179, 32214, 32247, 32278, 32307, 32335, 32361, 32385, 32408, 32430, 32450, 32469,
            32487, 32504, 32520, 32535, 32549, 32562, 32574, 32586, 32597, 32607, 32617, 32626,
            32635, 32643, 32650, 32657, 32664, 32670, 32676, 32682, 32687, 32692, 32696, 32701,
            32705, 32709, 32712, 32716, 32719, 32722, 32725, 32727, 32730, 32732, 32734, 32736,
            32738, 32740, 32742, 32743, 32745, 32746, 32747, 32749, 32750, 32751, 32752, 32753,
            32754, 32755, 32756, 32756, 32757,        };

        private static readonly int[] Softplus = new int[]
        {
            1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3,
            3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6,
            6, 7, 7, 7, 8, 8, 9, 10, 10, 11, 11, 12,
            13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 26,
            28, 29, 31, 33, 35, 38, 40, 43, 45, 48, 51, 55,
            58, 62, 66, 70, 74, 79, 84, 90, 95, 101, 108, 115,
            122, 130, 138, 147, 156, 166, 176, 187, 199, 212, 225, 239,
            254, 270, 286, 304, 323, 343, 364, 387, 410, 436, 462, 490,
            520, 551, 584, 619, 656, 695, 736, 779, 825, 873, 923, 976,
            1032, 1090, 1152, 1216, 1283, 1354, 1427, 1504, 1585, 1669, 1756, 1847,
            1942, 2040, 2143, 2249, 2359, 2473, 2591, 2713, 2839, 2969, 3103, 3241,
            3383, 3529, 3679, 3832, 3990, 4151, 4316, 4485, 4657, 4832, 5011, 5194,
            5379, 5568, 5760, 5954, 6152, 6352, 6555, 6761, 6969, 7179, 7392, 7607,
            7824, 8043, 8264, 8487, 8712, 8938, 9166, 9396, 9626, 9859, 10092, 10327,
            10563, 10800, 11038, 11278, 11518, 11759, 12001, 12244, 12487, 12731, 12976, 13222,
            13468, 13715, 13962, 14210, 14458, 14707, 14956, 15205, 15455, 15706, 15956, 16207,
            16458, 16710, 16962, 17214, 17466, 17719, 17971, 18224, 18477, 18731, 18984, 19238,
            19491, 19745, 19999, 20253, 20508, 20762, 21016, 21271, 21525, 21780, 22035, 22290,
            22545, 22800, 23055, 23310, 23565, 23820, 24075, 24331, 24586, 24842, 25097, 25352,
            25608, 25863, 26119, 26375, 26630, 26886, 27141, 27397, 27653, 27909, 28164, 28420,
            28676, 28932, 29187, 29443, 29699, 29955, 30211, 30466, 30722, 30978, 31234, 31490,
            31746, 32002, 32258, 32513, 32769,        };

        /// <summary>
        /// sigma(x) = 1 / (1 + e^-x) in Q0.15 (32768 = 1.0, result in [11, 32757]) for x in Q.12.
        /// </summary>
        public static int LogisticQ15(int xQ12)
        {
            return Interpolate(Logistic, xQ12);
        }

        /// <summary>
        /// softplus(x) = ln(1 + e^x) in Q.12 for x in Q.12; returns x itself above 8 (error below 2 LSB).
        /// </summary>
        public static int SoftplusQ12(int xQ12)
        {
            if (xQ12 >= UpperBound)
            {
                return xQ12;
            }

            return Interpolate(Softplus, xQ12);
        }

        /// <summary>Number of entries in each table (257).</summary>
        public static int TableLength
        {
            get { return Entries; }
        }

        private static int Interpolate(int[] table, int x)
        {
            if (x <= LowerBound)
            {
                return table[0];
            }

            if (x >= UpperBound)
            {
                return table[Entries - 1];
            }

            int offset = x - LowerBound;
            int i = offset >> StepShift;
            int frac = offset & ((1 << StepShift) - 1);
            return table[i] + FixedPoint.RoundingShiftRight((table[i + 1] - table[i]) * frac, StepShift);
        }
    }
}
