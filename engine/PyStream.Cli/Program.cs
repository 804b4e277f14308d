using PyStream.Cli;

return CommandLine.Run(args);
