internal import Crypto

/// SHA-256 of manifests and profile sources, for their digests. swift-crypto (BoringSSL, with
/// the CPU's SHA extensions where it has them) is already in the binary for the secret store;
/// yoi's own FIPS 180-4 loop took a tenth of a resolve. The NIST vectors are in the tests.
public enum SHA256 {
  /// The lowercase hex digest of `bytes`.
  public static func hex(_ bytes: some Sequence<UInt8>) -> String {
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in digest(bytes) {
      hex.append(hexDigits[Int(byte >> 4)])
      hex.append(hexDigits[Int(byte & 0x0F)])
    }
    return String(decoding: hex, as: UTF8.self)
  }

  /// The 32-byte digest of `bytes`.
  public static func digest(_ bytes: some Sequence<UInt8>) -> [UInt8] {
    var hasher = Crypto.SHA256()
    let contiguous: Void? = bytes.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    if contiguous == nil { hasher.update(data: Array(bytes)) }
    return Array(hasher.finalize())
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)
}
