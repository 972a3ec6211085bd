/// Typed reads of one JSON object's members, for mapping JSON that yoi did not write (a
/// provider's stream events) or wrote itself (transcript events) into typed models.
///
/// It exists because Foundation's JSONDecoder costs ~5 µs for a 150-byte event (generic
/// containers, a key dictionary per object): most of a turn's client work when an answer
/// streams as hundreds of small events. yoi's `JSONParser` plus these reads cost a fraction.
///
/// A member that is absent or `null` reads as nil; a member of another type is a
/// `JSONFields.Mismatch` naming its key, never silently nil.
public struct JSONFields: Sendable {
  /// A member whose value is not of the type the reader expects.
  public struct Mismatch: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var expected: String
    public var description: String { "`\(key)` is not \(expected)" }
  }

  public let object: JSONObject

  public init(_ object: JSONObject) {
    self.object = object
  }

  /// The fields of `text`, when it is a JSON object.
  public static func parse(_ text: String) -> JSONFields? {
    guard case .object(let object)? = try? JSONParser.parse(text) else { return nil }
    return JSONFields(object)
  }

  public func string(_ key: String) throws(Mismatch) -> String? {
    try member(key, "a string") { if case .string(let text) = $0 { text } else { nil } }
  }

  /// An integer; an integral float (`12.0`, as some servers write counts) is one too.
  public func integer(_ key: String) throws(Mismatch) -> Int64? {
    try member(key, "an integer") { value in
      switch value {
      case .integer(let number): number
      case .number(let number) where number.rounded() == number && abs(number) < 9.0e15: Int64(number)
      default: nil
      }
    }
  }

  public func bool(_ key: String) throws(Mismatch) -> Bool? {
    try member(key, "a boolean") { if case .bool(let flag) = $0 { flag } else { nil } }
  }

  /// A nested object's fields.
  public func fields(_ key: String) throws(Mismatch) -> JSONFields? {
    try member(key, "an object") { if case .object(let inner) = $0 { JSONFields(inner) } else { nil } }
  }

  /// The member under `key` as `extract` reads it: nil when absent or `null`, a mismatch when
  /// `extract` does not take it.
  private func member<T>(_ key: String, _ expected: String, _ extract: (JSONValue) -> T?) throws(Mismatch) -> T? {
    guard let value = object[key], value != .null else { return nil }
    guard let typed = extract(value) else { throw Mismatch(key: key, expected: expected) }
    return typed
  }

  /// A nested object, read by `read`.
  public func object<T>(_ key: String, _ read: (JSONFields) throws(Mismatch) -> T) throws(Mismatch) -> T? {
    try fields(key).map { (inner: JSONFields) throws(Mismatch) in try read(inner) }
  }

  /// An array of objects, each read by `read`; absent or `null` is empty.
  public func objects<T>(_ key: String, _ read: (JSONFields) throws(Mismatch) -> T) throws(Mismatch) -> [T] {
    switch object[key] {
    case nil, .null?: return []
    case .array(let items)?:
      var result: [T] = []
      result.reserveCapacity(items.count)
      for item in items {
        guard case .object(let inner) = item else { throw Mismatch(key: key, expected: "an array of objects") }
        result.append(try read(JSONFields(inner)))
      }
      return result
    default: throw Mismatch(key: key, expected: "an array")
    }
  }

  /// An array of strings.
  public func strings(_ key: String) throws(Mismatch) -> [String]? {
    switch object[key] {
    case nil, .null?: return nil
    case .array(let items)?:
      var result: [String] = []
      result.reserveCapacity(items.count)
      for item in items {
        guard case .string(let text) = item else { throw Mismatch(key: key, expected: "an array of strings") }
        result.append(text)
      }
      return result
    default: throw Mismatch(key: key, expected: "an array")
    }
  }

  /// Any JSON value (a function call's `args`, kept as written).
  public func value(_ key: String) -> JSONValue? {
    object[key].flatMap { $0 == .null ? nil : $0 }
  }
}
