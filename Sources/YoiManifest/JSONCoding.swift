/// The one way yoi reads JSON into typed values, and writes typed values as JSON: `Codable`
/// over `JSONValue`, on top of yoi's own parser and canonical writer.
///
/// Foundation's JSONDecoder is not used: it costs ~5 µs for a 150-byte stream event (it
/// parses into its own tree, and keeps a key dictionary per object), and on Linux its number
/// handling is not exact. Here integers stay `Int64` end to end, a key is a binary search in
/// an already sorted object, and every failure names the path of the member it is about
/// (`message.tool_calls[2].id: expected a string, found a number`), never a silent default.
public enum JSONCoding {
  /// Why a value could not be decoded.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    /// One step of where: a member's key or an item's index.
    enum Step: Sendable {
      case key(String)
      case index(Int)
    }

    public var problem: String
    /// Innermost step first: each container a failure passes on its way out adds its own,
    /// so a decode that succeeds never builds a path.
    var steps: [Step] = []
    /// Whether the text was not JSON at all (rather than JSON of another shape).
    public var isSyntax = false

    init(_ problem: String, steps: [Step] = [], isSyntax: Bool = false) {
      self.problem = problem
      self.steps = steps
      self.isSyntax = isSyntax
    }

    /// Where: `a.b[3].c` (1-based indexes, as the rest of yoi's diagnostics).
    public var path: String {
      var text = ""
      for step in steps.reversed() {
        switch step {
        case .index(let index): text += "[\(index + 1)]"
        case .key(let key): text += text.isEmpty ? key : "." + key
        }
      }
      return text
    }

    public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
  }

  /// `T` from JSON text.
  public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws(Failure) -> T {
    let tape: JSONTape
    do {
      tape = try JSONTape.scan(text)
    } catch {
      throw Failure("not JSON (\(error.description))", isSyntax: true)
    }
    do {
      return try ValueDecoder(tape: tape, index: 0).decodeValue(T.self)
    } catch {
      throw Failure.located(error)
    }
  }

  /// `T` from a value built in memory (a manifest being resolved). It is written out and read
  /// back, so there is one decoder to get right; no such value is on a per-event path.
  public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(Failure) -> T {
    try decode(type, from: CanonicalJSON.compact(value))
  }

  /// How an encoder writes an optional property that is nil.
  public enum NilStyle: Sendable {
    /// `"key": null` (the manifest, where every setting is present, set or not).
    case null
    /// No member (compact stored bodies).
    case omit
  }

  /// `value` as a JSON value.
  public static func encode<T: Encodable>(_ value: T, nils: NilStyle = .omit) -> JSONValue {
    let encoder = ValueEncoder(nils: nils)
    do {
      try encoder.encodeValue(value)
    } catch {
      // Only a type of yoi's own can throw here, and none does: encoding a value never fails.
      preconditionFailure("encoding \(T.self) failed: \(error)")
    }
    return encoder.result
  }

  /// `value` as compact canonical JSON text.
  public static func text<T: Encodable>(_ value: T, nils: NilStyle = .omit) -> String {
    CanonicalJSON.compact(encode(value, nils: nils))
  }
}

// MARK: - Decoding

private struct IndexKey: CodingKey {
  var stringValue: String { "\(intValue ?? 0)" }
  var intValue: Int?
  init(_ index: Int) { intValue = index }
  init?(stringValue: String) { nil }
  init?(intValue: Int) { self.intValue = intValue }
}

extension JSONCoding.Failure {
  /// `error` as a failure one step further out (`step` nil: where it is).
  static func located(_ error: any Error, _ step: Step? = nil) -> Self {
    var failure: Self
    switch error {
    case let error as Self: failure = error
    case let error as DecodingError:
      // What the standard library (an unknown raw value of an enum) or a hand-written
      // `init(from:)` throws; its coding path is relative, since decoders here report none.
      switch error {
      case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
        failure = Self(context.debugDescription, steps: context.codingPath.reversed().map { $0.intValue.map(Step.index) ?? .key($0.stringValue) })
      @unknown default: failure = Self("\(error)")
      }
    default: failure = Self("\(error)")
    }
    if let step { failure.steps.append(step) }
    return failure
  }
}

/// A decoder at one value of a scanned document. Containers report an empty `codingPath`:
/// failures collect their path on the way out instead (see `Failure.steps`), which keeps
/// every successful read free of path bookkeeping.
private struct ValueDecoder: Decoder {
  let tape: JSONTape
  let index: Int
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  var entry: JSONTape.Entry { tape.entries[index] }

  func mismatch(_ expected: String) -> JSONCoding.Failure {
    let found =
      switch entry.kind {
      case .null: "null"
      case .true, .false: "a boolean"
      case .integer, .number: "a number"
      case .string, .escapedString: "a string"
      case .array: "an array"
      case .object: "an object"
      }
    return JSONCoding.Failure("expected \(expected), found \(found)")
  }

  /// Values the decoder reads directly (the common leaves, and raw JSON kept as written).
  func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
    // Metatype comparisons, not dynamic casts: this runs for every member of every event.
    if T.self == String.self { return try string() as! T }
    if T.self == Int64.self { return try integer() as! T }
    if T.self == Bool.self { return try bool() as! T }
    if T.self == Int.self { return Int(try integer()) as! T }
    if T.self == Double.self { return try double() as! T }
    if T.self == JSONValue.self { return tape.value(at: index) as! T }
    do {
      return try T(from: self)
    } catch {
      throw JSONCoding.Failure.located(error)
    }
  }

  var isNull: Bool { entry.kind == .null }

  func string() throws -> String {
    let kind = entry.kind
    guard kind == .string || kind == .escapedString else { throw mismatch("a string") }
    return tape.string(at: index)
  }

  func bool() throws -> Bool {
    switch entry.kind {
    case .true: return true
    case .false: return false
    default: throw mismatch("true or false")
    }
  }

  /// An integer; an integral float (`12.0`, as some servers write counts) is one too.
  func integer() throws -> Int64 {
    let kind = entry.kind
    guard kind == .integer || kind == .number else { throw mismatch("an integer") }
    switch tape.number(at: index) {
    case .integer(let number): return number
    case .number(let number) where number.rounded() == number && abs(number) < 9.0e15: return Int64(number)
    default: throw mismatch("an integer")
    }
  }

  func double() throws -> Double {
    let kind = entry.kind
    guard kind == .integer || kind == .number else { throw mismatch("a number") }
    switch tape.number(at: index) {
    case .integer(let number): return Double(number)
    case .number(let number): return number
    default: throw mismatch("a number")
    }
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    guard entry.kind == .object else { throw mismatch("an object") }
    return KeyedDecodingContainer(KeyedReader<Key>(tape: tape, object: index))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    guard entry.kind == .array else { throw mismatch("an array") }
    return UnkeyedReader(tape: tape, end: entry.second, cursor: Int32(index + 1))
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(decoder: self) }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let tape: JSONTape
  /// The object's entry.
  let object: Int
  var codingPath: [any CodingKey] { [] }

  var allKeys: [Key] {
    var keys: [Key] = []
    var cursor = object + 1
    while cursor < tape.entries[object].second {
      if let key = Key(stringValue: tape.string(at: cursor)) { keys.append(key) }
      cursor = tape.next(after: cursor + 1)
    }
    return keys
  }

  /// The entry of `key`'s value. A scan through the members comparing bytes: objects read
  /// into types are small, and no key string is made.
  private func find(_ key: Key) -> Int? {
    let name = key.stringValue
    var cursor = object + 1
    let end = tape.entries[object].second
    while cursor < end {
      if tape.string(at: cursor, equals: name) { return cursor + 1 }
      cursor = tape.next(after: cursor + 1)
    }
    return nil
  }

  private func child(_ key: Key) throws -> ValueDecoder {
    guard let value = find(key) else { throw JSONCoding.Failure("is missing", steps: [.key(key.stringValue)]) }
    return ValueDecoder(tape: tape, index: value)
  }

  /// `read` on the member `key`; a failure gains the key as a step of its path.
  @inline(__always) private func member<T>(_ key: Key, _ read: (ValueDecoder) throws -> T) throws -> T {
    let decoder = try child(key)
    do {
      return try read(decoder)
    } catch {
      throw JSONCoding.Failure.located(error, .key(key.stringValue))
    }
  }

  /// `read` on the member `key` unless it is absent or null: one lookup per optional member
  /// (the standard library's default asks `contains`, then `decodeNil`, then decodes).
  @inline(__always) private func optionalMember<T>(_ key: Key, _ read: (ValueDecoder) throws -> T) throws -> T? {
    guard let value = find(key) else { return nil }
    let decoder = ValueDecoder(tape: tape, index: value)
    if decoder.isNull { return nil }
    do {
      return try read(decoder)
    } catch {
      throw JSONCoding.Failure.located(error, .key(key.stringValue))
    }
  }

  func contains(_ key: Key) -> Bool { find(key) != nil }
  func decodeNil(forKey key: Key) throws -> Bool { try child(key).isNull }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try member(key) { try $0.decodeValue(T.self) } }
  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try member(key) { try $0.bool() } }
  func decode(_ type: String.Type, forKey key: Key) throws -> String { try member(key) { try $0.string() } }
  func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try member(key) { try $0.double() } }
  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try member(key) { try $0.integer() } }
  func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try member(key) { Int(try $0.integer()) } }

  func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try optionalMember(key) { try $0.decodeValue(T.self) } }
  func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optionalMember(key) { try $0.string() } }
  func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optionalMember(key) { try $0.integer() } }
  func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optionalMember(key) { Int(try $0.integer()) } }
  func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optionalMember(key) { try $0.bool() } }
  func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optionalMember(key) { try $0.double() } }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
    try member(key) { try $0.container(keyedBy: type) }
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try member(key) { try $0.unkeyedContainer() } }
  func superDecoder() throws -> any Decoder { ValueDecoder(tape: tape, index: object) }
  func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
  let tape: JSONTape
  /// The entry after the array's last descendant.
  let end: Int
  /// The next item's entry, and its position (32 bits each, so that the reader fits an
  /// existential's inline buffer and needs no allocation).
  var cursor: Int32
  var currentIndex32: Int32 = 0

  var codingPath: [any CodingKey] { [] }
  var count: Int? { nil }
  var currentIndex: Int { Int(currentIndex32) }
  var isAtEnd: Bool { Int(cursor) >= end }

  private mutating func next<T>(_ read: (ValueDecoder) throws -> T) throws -> T {
    guard !isAtEnd else { throw JSONCoding.Failure("has too few items") }
    let decoder = ValueDecoder(tape: tape, index: Int(cursor))
    let position = currentIndex
    cursor = Int32(tape.next(after: Int(cursor)))
    currentIndex32 += 1
    do {
      return try read(decoder)
    } catch {
      throw JSONCoding.Failure.located(error, .index(position))
    }
  }

  mutating func decodeNil() throws -> Bool {
    guard !isAtEnd, tape.entries[Int(cursor)].kind == .null else { return false }
    cursor += 1
    currentIndex32 += 1
    return true
  }

  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next { try $0.decodeValue(T.self) } }
  mutating func decode(_ type: String.Type) throws -> String { try next { try $0.string() } }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
    try next { try $0.container(keyedBy: type) }
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next { try $0.unkeyedContainer() } }
  mutating func superDecoder() throws -> any Decoder { try next { $0 } }
}

private struct SingleReader: SingleValueDecodingContainer {
  let decoder: ValueDecoder
  var codingPath: [any CodingKey] { [] }

  func decodeNil() -> Bool { decoder.isNull }
  func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
  func decode(_ type: String.Type) throws -> String { try decoder.string() }
  func decode(_ type: Double.Type) throws -> Double { try decoder.double() }
  func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer() }
  func decode(_ type: Int.Type) throws -> Int { Int(try decoder.integer()) }
  func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
}

// MARK: - Encoding

/// A value being built: containers write into their parent's box, so nested containers
/// need no copy-back step.
private final class Box {
  var value: JSONValue = .null
  var members: [(key: String, value: Box)]?
  var items: [Box]?

  var built: JSONValue {
    if let members { return .object(JSONObject(members.map { (key: $0.key, value: $0.value.built) })) }
    if let items { return .array(items.map(\.built)) }
    return value
  }
}

private final class ValueEncoder: Encoder {
  let nils: JSONCoding.NilStyle
  let box: Box
  let path: [any CodingKey]
  var codingPath: [any CodingKey] { path }
  var userInfo: [CodingUserInfoKey: Any] { [:] }
  var result: JSONValue { box.built }

  init(nils: JSONCoding.NilStyle, box: Box = Box(), path: [any CodingKey] = []) {
    self.nils = nils
    self.box = box
    self.path = path
  }

  func encodeValue<T: Encodable>(_ value: T) throws {
    switch value {
    case let text as String: box.value = .string(text)
    case let number as Int64: box.value = .integer(number)
    case let number as Int: box.value = .integer(Int64(number))
    case let flag as Bool: box.value = .bool(flag)
    case let number as Double: box.value = .number(number)
    case let json as JSONValue: box.value = json
    default: try value.encode(to: self)
    }
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    if box.members == nil { box.members = [] }
    return KeyedEncodingContainer(KeyedWriter<Key>(encoder: self))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    if box.items == nil { box.items = [] }
    return UnkeyedWriter(encoder: self)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(encoder: self) }

  func child(_ key: any CodingKey) -> ValueEncoder {
    let child = Box()
    if box.items != nil {
      box.items!.append(child)
    } else {
      box.members!.append((key.stringValue, child))
    }
    return ValueEncoder(nils: nils, box: child, path: path + [key])
  }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let encoder: ValueEncoder
  var codingPath: [any CodingKey] { encoder.path }

  func encodeNil(forKey key: Key) throws { encoder.child(key).box.value = .null }
  func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder.child(key).encodeValue(value) }

  func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
    if let value {
      try encode(value, forKey: key)
    } else if encoder.nils == .null {
      try encodeNil(forKey: key)
    }
  }

  func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeIfPresent(value as String??, key) }
  func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeIfPresent(value as Int64??, key) }
  func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeIfPresent(value as Int??, key) }
  func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeIfPresent(value as Bool??, key) }
  func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeIfPresent(value as Double??, key) }

  /// The concrete overloads above route here, so every optional obeys the nil style.
  private func encodeIfPresent<T: Encodable>(_ value: T??, _ key: Key) throws {
    if case .some(.some(let value)) = value {
      try encode(value, forKey: key)
    } else if encoder.nils == .null {
      try encodeNil(forKey: key)
    }
  }

  func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
    encoder.child(key).container(keyedBy: keyType)
  }

  func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { encoder.child(key).unkeyedContainer() }
  func superEncoder() -> any Encoder { encoder }
  func superEncoder(forKey key: Key) -> any Encoder { encoder.child(key) }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
  let encoder: ValueEncoder
  var codingPath: [any CodingKey] { encoder.path }
  var count: Int { encoder.box.items?.count ?? 0 }

  func encodeNil() throws { encoder.child(IndexKey(count)).box.value = .null }
  func encode<T: Encodable>(_ value: T) throws { try encoder.child(IndexKey(count)).encodeValue(value) }

  func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    encoder.child(IndexKey(count)).container(keyedBy: keyType)
  }

  func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder.child(IndexKey(count)).unkeyedContainer() }
  func superEncoder() -> any Encoder { encoder.child(IndexKey(count)) }
}

private struct SingleWriter: SingleValueEncodingContainer {
  let encoder: ValueEncoder
  var codingPath: [any CodingKey] { encoder.path }

  func encodeNil() throws { encoder.box.value = .null }
  func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
}
