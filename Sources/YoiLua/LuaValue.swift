import YoiDiagnostics

/// A value returned from Lua, converted deterministically: map keys sorted by their UTF-8
/// bytes, integers and floats kept apart. Functions, threads, userdata, cycles and NaN/inf
/// never become a `LuaValue`; converting them is an error naming the key path.
public enum LuaValue: Sendable, Hashable {
  case `nil`
  case boolean(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  /// A table whose keys are exactly 1...n (n ≥ 1).
  case array([LuaValue])
  /// A table with string keys, or an empty table (which a schema may read as an empty list).
  case table(LuaTable)

  /// The Lua type name, for messages ("expected a string, got boolean").
  public var typeName: String {
    switch self {
    case .nil: "nil"
    case .boolean: "boolean"
    case .integer: "integer"
    case .number: "number"
    case .string: "string"
    case .array: "list"
    case .table(let table): table.isEmpty ? "empty table" : "table"
    }
  }
}

/// The string-keyed fields of a Lua table, sorted by the UTF-8 bytes of their keys.
public struct LuaTable: Sendable, Hashable, RandomAccessCollection {
  /// One key and its value.
  public struct Field: Sendable, Hashable {
    public var key: String
    public var value: LuaValue

    public init(key: String, value: LuaValue) {
      self.key = key
      self.value = value
    }
  }

  public private(set) var fields: [Field]

  /// A table from fields in any order; they are sorted by key bytes.
  public init(_ fields: [Field] = []) {
    self.fields = fields.sorted { UTF8Bytes.precedes($0.key, $1.key) }
  }

  /// A table from key/value pairs in any order.
  public init(_ pairs: KeyValuePairs<String, LuaValue>) {
    self.init(pairs.map { Field(key: $0.key, value: $0.value) })
  }

  public var startIndex: Int { fields.startIndex }
  public var endIndex: Int { fields.endIndex }
  public subscript(position: Int) -> Field { fields[position] }

  /// The value under `key`, or nil when absent.
  public subscript(key: String) -> LuaValue? {
    fields.first { $0.key == key }?.value
  }

  /// The keys, in sorted order.
  public var keys: [String] { fields.map(\.key) }
}
