import YoiCLI
import YoiSandbox

// The shell tool's sandbox helper: a fresh process that confines itself with Landlock and
// execs /bin/sh. Checked before anything else runs, so no command-line parsing or other Swift
// set-up happens inside the sandboxed process.
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == ShellSandbox.helperCommand {
  ShellSandbox.runHelper(Array(CommandLine.arguments.dropFirst(2)))
}

YoiCommand.main()
