#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about text answered from its UTF-8 bytes alone. Swift compares `String`s by
/// canonical equivalence, which is slower and not the order yoi's canonical forms use; the
/// modules that sort keys (canonical JSON, Lua tables) and the readers that check text
/// share these.
public enum UTF8Bytes {
  /// Three-way comparison of two strings' UTF-8 bytes: negative, zero or positive.
  public static func compare(_ a: String, _ b: String) -> Int {
    var a = a, b = b
    return a.withUTF8 { x in
      b.withUTF8 { y in
        let common = Swift.min(x.count, y.count)
        if common > 0, let xp = x.baseAddress, let yp = y.baseAddress {
          let order = memcmp(xp, yp, common)
          if order != 0 { return Int(order) }
        }
        return x.count - y.count
      }
    }
  }

  /// Whether `a`'s bytes sort before `b`'s.
  @inline(__always) public static func precedes(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }

  /// Whether every byte is ASCII, eight bytes at a time (strings can be megabytes).
  public static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    var index = 0
    let count = bytes.count
    while index + 8 <= count {
      if base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
      index += 8
    }
    while index < count {
      if bytes[index] >= 0x80 { return false }
      index += 1
    }
    return true
  }

  public static func isASCII(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { isASCII(UnsafeRawBufferPointer($0)) }
  }
}
