/// Where secret values come from (the encrypted secret store implements it, in YoiStore).
/// Values are asked for only when a request is built, and live no longer than that request.
public protocol SecretSource: Sendable {
  /// The plaintext of secret `id`; throws a `YoiError` naming the id when it is missing.
  func secretPlaintext(_ id: String) throws -> String
  /// Whether `id` is stored (no value is decrypted to answer).
  func isStored(_ id: String) -> Bool
}
