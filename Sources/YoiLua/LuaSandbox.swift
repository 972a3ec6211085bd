internal import YoiCLua
public import YoiDiagnostics

/// Evaluates untrusted Lua in a fresh, limited state and returns plain Swift values.
///
/// Each `evaluate` call creates a new state with the library set of DESIGN.md §2.2 (base
/// functions without `dofile`/`loadfile`/`load`/`collectgarbage`, `string` without `dump`,
/// `table`, `math` without `random`, `utf8`), runs the preludes, then the chunk, converts the
/// chunk's first result, and closes the state. The value is `Sendable`; the state never
/// leaves the call.
public struct LuaSandbox: Sendable {
  /// The limits every evaluation runs under.
  public var limits: LuaLimits
  /// Trusted chunks run before the script, each receiving the host table as `...`; they
  /// install globals (`yoi`, `require`) built on the host functions.
  public var preludes: [LuaPrelude]
  /// Swift functions the preludes can reach.
  public var hostFunctions: [LuaHostFunction]

  /// A sandbox with the given limits, preludes and host functions.
  public init(limits: LuaLimits = .default, preludes: [LuaPrelude] = [], hostFunctions: [LuaHostFunction] = []) {
    self.limits = limits
    self.preludes = preludes
    self.hostFunctions = hostFunctions
  }

  /// The Lua release the sandbox runs, e.g. "Lua 5.4.4".
  public static var luaRelease: String { String(cString: yoi_lua_release()) }

  /// Evaluates `chunk` (with `argument` as its `...` when given) and converts its first result.
  /// - Throws: `YoiError` for syntax errors, runtime errors, tripped limits and values that
  ///   cannot be converted, each with located diagnostics.
  public func evaluate(_ chunk: LuaChunk, argument: String? = nil) throws(YoiError) -> LuaEvaluation {
    let owner = LuaStateOwner(hostFunctions: hostFunctions, limits: limits)
    return try owner.evaluate(chunk, preludes: preludes, argument: argument)
  }
}

/// The outcome of a successful evaluation.
public struct LuaEvaluation: Sendable {
  /// The chunk's first result.
  public var value: LuaValue
  /// What the script passed to `print` (never written to the host's stdout).
  public var printed: String
  /// The most memory the state held at once, in bytes.
  public var memoryPeak: Int
  /// Instructions and bounded C steps charged.
  public var instructions: UInt64
}
