internal import YoiCLua
import YoiDiagnostics

/// Reads a value on the Lua stack into a `LuaValue`, using only API calls that cannot raise
/// (YoiCLua's `yoi_read_*`: type queries, `lua_next` on an unmodified table, strings).
struct LuaValueReader {
  /// One conversion problem at a key path.
  struct Problem: Sendable, Hashable {
    var path: String
    var message: String
  }

  /// Bounds on what a script may hand back, so a giant or shared-subtree value fails fast.
  static let maximumDepth = 100
  /// A profile is a few hundred values; this bound keeps a monster return value cheap to refuse.
  static let maximumValues = 10_000
  static let maximumProblems = 20
  /// Bytes copied out of Lua strings in one conversion. One 1 MiB string referenced 40,000
  /// times is 40 GiB to copy; a profile is a few KiB.
  static let maximumStringBytes = 16 << 20

  /// One step of a key path; rendered to text only when a problem is recorded.
  enum Component {
    case key(String)
    case index(Int64)
  }

  let state: OpaquePointer
  private(set) var problems: [Problem] = []
  private var ancestors: [UnsafeRawPointer] = []
  private var path: [Component] = []
  private let root: String
  private var valueCount = 0
  private var stringBytes = 0

  /// A reader whose paths start at `root` (e.g. `#1` for a host function's first argument).
  init(state: OpaquePointer, root: String = "") {
    self.state = state
    self.root = root
  }

  /// Converts the value at `index` (absolute), recording problems instead of stopping at the first.
  mutating func read(at index: Int32) -> LuaValue {
    valueCount += 1
    if valueCount > Self.maximumValues {
      if valueCount == Self.maximumValues + 1 {
        problem("the returned value is too large (more than \(Self.maximumValues) values)")
      }
      return .nil
    }
    switch yoi_read_type(state, index) {
    case Int32(YOI_TNIL):
      return .nil
    case Int32(YOI_TBOOLEAN):
      return .boolean(yoi_read_toboolean(state, index) != 0)
    case Int32(YOI_TNUMBER):
      if yoi_read_isinteger(state, index) != 0 {
        return .integer(Int64(yoi_read_tointeger(state, index)))
      }
      let number = Double(yoi_read_tonumber(state, index))
      guard number.isFinite else {
        problem("\(number.isNaN ? "NaN" : "an infinite number") cannot be converted")
        return .nil
      }
      return .number(number)
    case Int32(YOI_TSTRING):
      return readString(at: index).map(LuaValue.string) ?? .nil
    case Int32(YOI_TTABLE):
      return readTable(at: index)
    default:
      let type = String(cString: yoi_read_typename(state, yoi_read_type(state, index)))
      problem("a \(type) cannot be converted (only nil, booleans, numbers, strings and tables)")
      return .nil
    }
  }

  private mutating func readString(at index: Int32) -> String? {
    var length = 0
    guard let bytes = yoi_read_string(state, index, &length) else { return nil }
    stringBytes += length
    if stringBytes > Self.maximumStringBytes {
      if stringBytes - length <= Self.maximumStringBytes {
        problem("the returned value is too large (its strings add up to more than \(Self.maximumStringBytes >> 20) MiB)")
      }
      valueCount = Self.maximumValues + 1  // stop converting: every later value is refused too
      return nil
    }
    let buffer = UnsafeRawBufferPointer(start: bytes, count: length)
    // ASCII (nearly every string in a profile) is valid UTF-8 and stream-safe: decoded without
    // the generic validation, which was a visible share of a resolve.
    if UTF8Bytes.isASCII(buffer) { return String(decoding: buffer.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }
    guard let text = String(validating: buffer, as: UTF8.self) else {
      problem("the string is not valid UTF-8")
      return nil
    }
    guard StreamSafeText.isStreamSafe(text) else {
      problem(StreamSafeText.problem)
      return nil
    }
    return text
  }

  private mutating func readTable(at index: Int32) -> LuaValue {
    guard let identity = yoi_read_topointer(state, index) else { return .nil }
    if ancestors.contains(identity) {
      problem("the table contains itself (a cycle)")
      return .nil
    }
    if ancestors.count >= Self.maximumDepth {
      problem("the value is nested too deeply (more than \(Self.maximumDepth) levels)")
      return .nil
    }
    guard yoi_read_checkstack(state, 3) != 0 else {
      problem("the value is nested too deeply")
      return .nil
    }
    ancestors.append(identity)
    defer { ancestors.removeLast() }

    var integerKeys: [(Int64, LuaValue)] = []
    var stringKeys: [(String, LuaValue)] = []
    var otherKeys = false
    let base = yoi_read_gettop(state)
    defer { yoi_read_settop(state, base) }  // leaving the loop early keeps lua_next's key
    yoi_read_pushnil(state)
    while valueCount <= Self.maximumValues, yoi_read_next(state, index) != 0 {
      let keyIndex = yoi_read_gettop(state) - 1
      let valueIndex = keyIndex + 1
      switch yoi_read_type(state, keyIndex) {
      case Int32(YOI_TSTRING):
        if let key = readString(at: keyIndex) {
          path.append(.key(key))
          stringKeys.append((key, read(at: valueIndex)))
          path.removeLast()
        }
      case Int32(YOI_TNUMBER) where yoi_read_isinteger(state, keyIndex) != 0:
        let key = Int64(yoi_read_tointeger(state, keyIndex))
        path.append(.index(key))
        integerKeys.append((key, read(at: valueIndex)))
        path.removeLast()
      default:
        otherKeys = true
        problem("a table key must be a string or a list index, found a \(describeKey(at: keyIndex)) key")
      }
      yoi_read_settop(state, keyIndex)
    }
    if otherKeys { return .nil }
    if !integerKeys.isEmpty && !stringKeys.isEmpty {
      problem("a table mixes list entries and named fields (\(stringKeys.map(\.0).sorted().prefix(3).joined(separator: ", ")))")
      return .nil
    }
    if !integerKeys.isEmpty {
      integerKeys.sort { $0.0 < $1.0 }
      for (position, entry) in integerKeys.enumerated() where entry.0 != Int64(position + 1) {
        problem("a list must have keys 1...n without holes, found key \(entry.0) at position \(position + 1)")
        return .nil
      }
      return .array(integerKeys.map(\.1))
    }
    return .table(makeTable(stringKeys))
  }

  /// Two keys with different bytes that Swift considers equal (canonically equivalent Unicode,
  /// e.g. "\u{E9}" and "e\u{301}") would silently merge; report them instead.
  private mutating func makeTable(_ entries: [(String, LuaValue)]) -> LuaTable {
    let fields = entries.map { LuaTable.Field(key: $0.0, value: $0.1) }
    // Only keys with non-ASCII bytes can collide this way; skip the hashing for the rest.
    guard !fields.allSatisfy({ UTF8Bytes.isASCII($0.key) }) else { return LuaTable(fields) }
    let nonASCII = fields.filter { !UTF8Bytes.isASCII($0.key) }
    var seen: [String: String] = [:]
    var kept = fields.filter { UTF8Bytes.isASCII($0.key) }
    for field in nonASCII {
      if let other = seen[field.key] {
        problem(
          "keys \(KeyPath.quoted(other)) and \(KeyPath.quoted(field.key)) differ in bytes but are the same text (Unicode normalisation); use one spelling")
        continue
      }
      seen[field.key] = field.key
      kept.append(field)
    }
    return LuaTable(kept)
  }

  private func describeKey(at index: Int32) -> String {
    if yoi_read_type(state, index) == Int32(YOI_TNUMBER) {
      let number = Double(yoi_read_tonumber(state, index))
      return "number (\(number))"
    }
    return String(cString: yoi_read_typename(state, yoi_read_type(state, index)))
  }

  private mutating func problem(_ message: String) {
    if problems.count < Self.maximumProblems {
      problems.append(Problem(path: renderedPath, message: message))
    }
  }

  private var renderedPath: String {
    path.reduce(root) { text, component in
      switch component {
      case .key(let key): KeyPath.join(text, key)
      case .index(let index): KeyPath.index(text, index)
      }
    }
  }
}
