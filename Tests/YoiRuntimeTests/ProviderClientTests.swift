import Foundation
import Testing
import YoiManifest
import YoiStubProvider

@testable import YoiProviders

struct FixedSecrets: SecretSource {
  func secretPlaintext(_ id: String) throws -> String { "key-for-\(id)" }
  func isStored(_ id: String) -> Bool { true }
}

@Suite("Provider clients against the scripted provider")
struct ProviderClientTests {
  static func client(_ provider: StubProvider, retryWindow: Double = 3600) throws -> ProviderClient {
    var timing = ProviderClient.Timing()
    timing.initialBackoff = 0.01
    // The window counts from the first attempt, and parallel tests on 2 cores can hold a
    // test's first answer back for a minute: only the window's own test sets it short.
    timing.retryWindow = retryWindow
    let section = ModelSection(scheme: provider.scheme, baseURL: provider.baseURL, modelID: "stub-model", auth: .secretReference("stub"))
    return try ProviderClient(model: section, credentials: CredentialResolver(auth: section.auth, secrets: FixedSecrets()), timing: timing)
  }

  static let request = ModelRequest(system: "s", messages: [.user("hi")], tools: [], options: GenerationOptions(modelID: "stub-model"))

  @Test("the same text and tool calls the SDKs read, streamed in order", arguments: ModelScheme.allCases)
  func sameAsTheSDKs(scheme: ModelScheme) async throws {
    let provider = try StubProvider(scheme: scheme, turns: [.reply(text: FidelitySample.text, toolCalls: FidelitySample.calls)])
    let client = try Self.client(provider)
    let streamed = Collected()
    let response = try await client.send(Self.request) { update in streamed.add(update) }
    await client.shutdown()
    #expect(response.message.text == FidelitySample.text)
    #expect(response.message.toolCalls.map(\.name) == FidelitySample.calls.map(\.name))
    #expect(response.message.toolCalls.map { try? JSONParser.parse($0.arguments) } == FidelitySample.calls.map { try? JSONParser.parse($0.arguments) })
    #expect(streamed.text == FidelitySample.text)
    #expect(response.usage?.inputTokens == 25)
  }

  @Test("retries stop at 5 attempts and the last failure says so; 400 is not retried and carries the provider's message")
  func retryLimits() async throws {
    let provider = try StubProvider(
      scheme: .anthropic, turns: Array(repeating: .status(500, message: "boom"), count: 6) + [.status(400, message: "bad request body")])
    let client = try Self.client(provider)
    let failure = await #expect(throws: ProviderError.self) { try await client.send(Self.request) { _ in } }
    #expect(provider.requests.count == 5, "\(failure.map { "\($0)" } ?? "")")
    let message = failure?.message ?? ""
    #expect(message.hasPrefix("the model provider answered HTTP 500: boom (the last of 5 attempts over "), "\(message)")
    #expect(message.hasSuffix(" s)"), "\(message)")
    let second = try StubProvider(scheme: .anthropic, turns: [.status(400, message: "bad request body")])
    let other = try Self.client(second)
    do {
      _ = try await other.send(Self.request) { _ in }
      Issue.record("expected an error")
    } catch let error as ProviderError {
      #expect(error.message == "the model provider answered HTTP 400: bad request body")
      #expect(!error.isRetryable)
    }
    #expect(second.requests.count == 1)
    await client.shutdown()
    await other.shutdown()
  }
}

extension ProviderClientTests {
  @Test("no retry once the wait would pass the retry window: a Retry-After beyond it ends the run with that answer")
  func retryWindow() async throws {
    let provider = try StubProvider(
      scheme: .openaiChat, turns: [.status(429, message: "slow down", headers: [("retry-after", "2")]), .reply(text: "late", toolCalls: [])])
    let client = try Self.client(provider, retryWindow: 1)
    let failure = await #expect(throws: ProviderError.self) { try await client.send(Self.request) { _ in } }
    #expect(failure?.message == "the model provider answered HTTP 429: slow down")
    #expect(provider.requests.count == 1)
    await client.shutdown()
  }
}

final class Collected: @unchecked Sendable {
  private let lock = NSLock()
  private var pieces: [String] = []
  func add(_ update: StreamUpdate) {
    if case .textDelta(let text) = update { lock.withLock { pieces.append(text) } }
  }
  var text: String { lock.withLock { pieces.joined() } }
}
