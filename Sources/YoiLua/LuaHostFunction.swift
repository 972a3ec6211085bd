/// A function written in Swift that Lua code can call through a C trampoline. Host
/// functions are handed to prelude chunks in a private table (the prelude's `...`), so the
/// prelude decides what scripts can reach. Arguments arrive converted to `LuaValue`; a
/// function or cycle among them is an argument error before the body runs.
public struct LuaHostFunction: Sendable {
  /// The name under which the prelude finds it in the host table.
  public var name: String
  /// The body. Thrown errors become Lua errors at the caller's position.
  public var body: @Sendable (LuaHostCall) throws(LuaHostFunctionError) -> [LuaHostResult]

  /// A host function called `name`.
  public init(
    name: String,
    body: @escaping @Sendable (LuaHostCall) throws(LuaHostFunctionError) -> [LuaHostResult]
  ) {
    self.name = name
    self.body = body
  }
}

/// One call of a host function.
public final class LuaHostCall {
  /// The arguments, converted.
  public let arguments: [LuaValue]
  var recordedSources: [LuaChunk] = []

  init(arguments: [LuaValue]) {
    self.arguments = arguments
  }

  /// Makes `chunk`'s text available to diagnostics (a module the prelude is about to load).
  public func recordSource(_ chunk: LuaChunk) {
    recordedSources.append(chunk)
  }
}

/// One result of a host function.
public enum LuaHostResult: Sendable {
  /// A fresh value.
  case value(LuaValue)
  /// The call's own argument at this 1-based index, by identity (e.g. a table to hand back).
  case argument(Int)
}

/// The message a host function raises as a Lua error.
public struct LuaHostFunctionError: Error, Sendable {
  public var message: String

  /// An error raised at the Lua caller's position with `message`.
  public init(_ message: String) {
    self.message = message
  }
}
