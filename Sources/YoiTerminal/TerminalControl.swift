public import Glibc
public import YoiDiagnostics

/// The terminal, in one place: whether to colour, how wide it is, and its modes (raw for the
/// dialog and the interactive session, echo off for a hidden prompt), always put back.
public enum TerminalControl {
  /// `--color auto|always|never`, taken off the command line before parsing.
  public enum ColorChoice: String, Sendable, CaseIterable { case auto, always, never }

  /// The process-wide choice (set once, by the command line, before any command runs).
  nonisolated(unsafe) public static var colorChoice = ColorChoice.auto

  /// Whether output on `descriptor` is coloured: `always`; never with `never`; with `auto`,
  /// on a terminal unless `NO_COLOR` is set (to anything non-empty, per no-color.org) or
  /// `TERM=dumb`.
  public static func useColor(on descriptor: Int32, environment: Environment = .process) -> Bool {
    switch colorChoice {
    case .always: true
    case .never: false
    case .auto: isatty(descriptor) != 0 && environment[.noColor] == nil && environment[.term] != "dumb"
    }
  }

  /// The width of the terminal on stdout in columns (80 when unknown).
  public static var columns: Int {
    var size = winsize()
    return ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
  }

  /// The height of the terminal on stdout in rows (24 when unknown).
  public static var rows: Int {
    var size = winsize()
    return ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_row > 0 ? Int(size.ws_row) : 24
  }

  /// Raw mode from the `saved` mode: keys arrive one at a time, unechoed, Ctrl-C as a key.
  /// Save first (`TerminalModeGuard.save`), so the mode is put back however yoi ends.
  public static func enterRawMode(from saved: termios) {
    var raw = saved
    raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
    raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
    raw.c_cflag |= tcflag_t(CS8)
    withUnsafeMutableBytes(of: &raw.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    tcsetattr(0, TCSAFLUSH, &raw)
  }

  /// Echo off (a hidden prompt), from the `saved` mode.
  public static func disableEcho(from saved: termios) {
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(0, TCSAFLUSH, &quiet)
  }
}

/// The terminal mode saved before yoi changes it, put back on return, on a thrown error, and
/// on SIGINT/SIGTERM/SIGHUP/SIGQUIT (then the signal is raised again). `onRestore` is
/// written after restoring (e.g. leaving the alternate screen).
public enum TerminalModeGuard {
  nonisolated(unsafe) private static var saved = termios()
  nonisolated(unsafe) private static var active = false
  nonisolated(unsafe) private static var restoreSequence: [UInt8] = []
  private static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

  /// Saves the current mode and arms the signal handlers; nil when stdin is no terminal.
  public static func save(onRestore sequence: String = "") -> termios? {
    guard tcgetattr(0, &saved) == 0 else { return nil }
    restoreSequence = Array(sequence.utf8)
    active = true
    for signal in signals { Glibc.signal(signal, restoreAndReraise) }
    return saved
  }

  /// Puts the saved mode back and disarms the handlers. Safe to call more than once.
  public static func restore() {
    restoreNow()
    for signal in signals { Glibc.signal(signal, SIG_DFL) }
  }

  private static func restoreNow() {
    guard active else { return }
    active = false
    tcsetattr(0, TCSAFLUSH, &saved)
    if !restoreSequence.isEmpty { _ = restoreSequence.withUnsafeBytes { write(1, $0.baseAddress, $0.count) } }
  }

  private static let restoreAndReraise: @convention(c) (Int32) -> Void = { signal in
    // Only async-signal-safe calls here: tcsetattr, write, signal, raise.
    TerminalModeGuard.restoreNow()
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
  }
}
