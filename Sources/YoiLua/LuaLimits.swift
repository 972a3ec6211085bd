/// The resources one evaluation may use. A tripped limit fails the evaluation even when the
/// script catches the error and returns normally.
public struct LuaLimits: Sendable, Hashable {
  /// Bytes the Lua allocator may hold at once.
  public var memoryBytes: Int
  /// Lua VM instructions plus steps of bounded C loops (pattern matching, sorting, copying).
  public var instructionBudget: UInt64
  /// Wall-clock time from state creation, in seconds.
  public var deadlineSeconds: Double

  /// Limits with the given values.
  public init(memoryBytes: Int, instructionBudget: UInt64, deadlineSeconds: Double) {
    self.memoryBytes = memoryBytes
    self.instructionBudget = instructionBudget
    self.deadlineSeconds = deadlineSeconds
  }

  /// Generous for real profiles (a 2,000-line profile uses well under 1 MiB and 100,000
  /// instructions) and tight enough that a hostile script fails within about a second: the
  /// budget runs out in roughly 0.2 s of pure VM work, the deadline catches the rest.
  public static let `default` = LuaLimits(
    memoryBytes: 64 << 20,
    instructionBudget: 20_000_000,
    deadlineSeconds: 1.0
  )
}

/// Which limit stopped an evaluation.
public enum LuaLimit: String, Sendable, Hashable {
  case memory
  case instructions
  case deadline
}
