namespace EdgeLearn.Benchmarks; internal static class Program { private static int Main(string[] args) => args.Length > 0 && args[0] == ImageFuzzBenchmark.Switch ? ImageFuzzBenchmark.Run(args) : 0; }
