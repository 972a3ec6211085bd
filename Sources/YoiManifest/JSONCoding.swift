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
    /// Where: `a.b[3].c` (1-based indexes, as the rest of yoi's diagnostics).
    public var path: String
    public var problem: String

    public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
  }

  /// `T` from a parsed value.
  public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(Failure) -> T {
    do {
      return try ValueDecoder(value: value, path: .root).decodeValue(T.self)
    } catch let failure as Failure {
      throw failure
    } catch {
      throw Failure(path: "", problem: "\(error)")
    }
  }

  /// `T` from JSON text.
  public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws(Failure) -> T {
    let value: JSONValue
    do {
      value = try JSONParser.parse(text)
    } catch {
      throw Failure(path: "", problem: "not JSON (\(error.description))")
    }
    return try decode(type, from: value)
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

private struct NameKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(_ name: String) { stringValue = name }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

/// Where a decoder is: a chain of keys built one link per nested value, read back as an
/// array only when a failure needs it (an array per member made every event allocate).
private final class CodingPath: Sendable {
  let parent: CodingPath?
  let key: (any CodingKey)?

  init(parent: CodingPath?, key: (any CodingKey)?) {
    self.parent = parent
    self.key = key
  }

  static let root = CodingPath(parent: nil, key: nil)

  func appending(_ key: any CodingKey) -> CodingPath { CodingPath(parent: self, key: key) }

  var keys: [any CodingKey] {
    var keys: [any CodingKey] = []
    var node: CodingPath? = self
    while let current = node {
      if let key = current.key { keys.append(key) }
      node = current.parent
    }
    return keys.reversed()
  }
}

private func describe(_ path: [any CodingKey]) -> String {
  var text = ""
  for key in path {
    if let index = key.intValue {
      text += "[\(index + 1)]"
    } else {
      text += text.isEmpty ? key.stringValue : "." + key.stringValue
    }
  }
  return text
}

private func kind(_ value: JSONValue) -> String {
  switch value {
  case .null: "null"
  case .bool: "a boolean"
  case .integer, .number: "a number"
  case .string: "a string"
  case .array: "an array"
  case .object: "an object"
  }
}

private struct ValueDecoder: Decoder {
  let value: JSONValue
  let path: CodingPath
  var codingPath: [any CodingKey] { path.keys }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func failure(_ problem: String, at path: [any CodingKey]? = nil) -> JSONCoding.Failure {
    JSONCoding.Failure(path: describe(path ?? self.path.keys), problem: problem)
  }

  func mismatch(_ expected: String) -> JSONCoding.Failure {
    failure("expected \(expected), found \(kind(value))")
  }

  /// Values the decoder reads directly (the common leaves, and raw JSON kept as written).
  func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
    // Metatype comparisons, not dynamic casts: this runs for every member of every event.
    if T.self == String.self { return try string() as! T }
    if T.self == Int64.self { return try integer() as! T }
    if T.self == Bool.self { return try bool() as! T }
    if T.self == Int.self { return Int(try integer()) as! T }
    if T.self == Double.self { return try double() as! T }
    if T.self == JSONValue.self { return value as! T }
    do {
      return try T(from: self)
    } catch let error as DecodingError {
      // What the standard library throws itself (an unknown raw value of an enum).
      switch error {
      case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
        throw failure(context.debugDescription, at: context.codingPath)
      @unknown default: throw failure("\(error)")
      }
    }
  }

  func string() throws -> String {
    guard case .string(let text) = value else { throw mismatch("a string") }
    return text
  }

  func bool() throws -> Bool {
    guard case .bool(let flag) = value else { throw mismatch("true or false") }
    return flag
  }

  /// An integer; an integral float (`12.0`, as some servers write counts) is one too.
  func integer() throws -> Int64 {
    switch value {
    case .integer(let number): return number
    case .number(let number) where number.rounded() == number && abs(number) < 9.0e15: return Int64(number)
    default: throw mismatch("an integer")
    }
  }

  func double() throws -> Double {
    switch value {
    case .number(let number): return number
    case .integer(let number): return Double(number)
    default: throw mismatch("a number")
    }
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    guard case .object(let object) = value else { throw mismatch("an object") }
    return KeyedDecodingContainer(KeyedReader<Key>(object: object, decoder: self))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    guard case .array(let items) = value else { throw mismatch("an array") }
    return UnkeyedReader(items: items, decoder: self)
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(decoder: self) }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let object: JSONObject
  let decoder: ValueDecoder
  var codingPath: [any CodingKey] { decoder.path.keys }
  var allKeys: [Key] { object.compactMap { Key(stringValue: $0.key) } }

  func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

  func decodeNil(forKey key: Key) throws -> Bool {
    guard let value = object[key.stringValue] else { throw missing(key) }
    return value == .null
  }

  private func missing(_ key: Key) -> JSONCoding.Failure {
    decoder.failure("is missing", at: decoder.path.keys + [key])
  }

  private func child(_ key: Key) throws -> ValueDecoder {
    guard let value = object[key.stringValue] else { throw missing(key) }
    return ValueDecoder(value: value, path: decoder.path.appending(key))
  }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(T.self) }

  func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
    guard let value = object[key.stringValue], value != .null else { return nil }
    return try ValueDecoder(value: value, path: decoder.path.appending(key)).decodeValue(T.self)
  }

  // One lookup for an optional leaf (the standard library's default asks `contains`, then
  // `decodeNil`, then decodes: three binary searches per member of every stream event).
  func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
    guard let value = object[key.stringValue] else { return nil }
    if case .string(let text) = value { return text }
    return value == .null ? nil : try ValueDecoder(value: value, path: decoder.path.appending(key)).string()
  }

  func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
    guard let value = object[key.stringValue] else { return nil }
    if case .integer(let number) = value { return number }
    return value == .null ? nil : try ValueDecoder(value: value, path: decoder.path.appending(key)).integer()
  }

  func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
    try decodeIfPresent(Int64.self, forKey: key).map { Int($0) }
  }

  func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
    guard let value = object[key.stringValue] else { return nil }
    if case .bool(let flag) = value { return flag }
    return value == .null ? nil : try ValueDecoder(value: value, path: decoder.path.appending(key)).bool()
  }

  func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
    guard let value = object[key.stringValue], value != .null else { return nil }
    return try ValueDecoder(value: value, path: decoder.path.appending(key)).double()
  }

  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).bool() }
  func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).string() }
  func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).double() }
  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).integer() }
  func decode(_ type: Int.Type, forKey key: Key) throws -> Int { Int(try child(key).integer()) }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
    try child(key).container(keyedBy: type)
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
  func superDecoder() throws -> any Decoder { decoder }
  func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
  let items: [JSONValue]
  let decoder: ValueDecoder
  var currentIndex = 0
  var codingPath: [any CodingKey] { decoder.path.keys }
  var count: Int? { items.count }
  var isAtEnd: Bool { currentIndex >= items.count }

  init(items: [JSONValue], decoder: ValueDecoder) {
    self.items = items
    self.decoder = decoder
  }

  private mutating func next() throws -> ValueDecoder {
    guard !isAtEnd else { throw decoder.failure("has too few items") }
    defer { currentIndex += 1 }
    return ValueDecoder(value: items[currentIndex], path: decoder.path.appending(IndexKey(currentIndex)))
  }

  mutating func decodeNil() throws -> Bool {
    guard !isAtEnd, items[currentIndex] == .null else { return false }
    currentIndex += 1
    return true
  }

  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
    try next().container(keyedBy: type)
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
  mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleReader: SingleValueDecodingContainer {
  let decoder: ValueDecoder
  var codingPath: [any CodingKey] { decoder.path.keys }

  func decodeNil() -> Bool { decoder.value == .null }
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
