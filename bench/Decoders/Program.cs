using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Decoders -- [BenchmarkDotNet arguments, e.g. --filter '*Fixed*']
BenchmarkSwitcher.FromAssembly(typeof(Decoders.Records).Assembly).Run(args);
