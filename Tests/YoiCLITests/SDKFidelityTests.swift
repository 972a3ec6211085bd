import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// The scripted provider speaks each wire format faithfully: the providers' official Python
/// SDKs (installed by `make setup` into .build/python-sdks) parse its streams into the same
/// text and tool calls yoi does.
@Suite("Scripted provider fidelity")
struct SDKFidelityTests {
  static let python = YoiBinary.packageRoot.appendingPathComponent(".build/python-sdks/bin/python3").path

  @Test("the official SDK reads the same text and tool calls", arguments: ModelScheme.allCases)
  func officialSDK(scheme: ModelScheme) throws {
    #expect(FileManager.default.isExecutableFile(atPath: Self.python), "run `make setup` to install the provider SDKs")
    let provider = try StubProvider(scheme: scheme, turns: [.reply(text: FidelitySample.text, toolCalls: FidelitySample.calls)])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.python)
    process.arguments = [YoiBinary.fixtures.appendingPathComponent("sdk_parse.py").path, scheme.rawValue, provider.baseURL]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(errors)")
    let parsed = try JSONParser.parse(String(decoding: data, as: UTF8.self))
    let expectedCalls: [JSONValue] = try FidelitySample.calls.map { call in
      ["name": .string(call.name), "arguments": try JSONParser.parse(call.arguments)]
    }
    #expect(parsed == ["text": .string(FidelitySample.text), "tool_calls": .array(expectedCalls)])
  }
}
