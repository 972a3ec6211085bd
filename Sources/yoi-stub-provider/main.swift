import Foundation
import YoiManifest
import YoiStubProvider

// The demo's model: `yoi-stub-provider SCHEME PORT_FILE` serves a short scripted session (look
// around, write a file, answer) on loopback, writes its base URL to PORT_FILE, and exits
// when its script is done.
let arguments = CommandLine.arguments
guard arguments.count == 3, let scheme = ModelScheme(rawValue: arguments[1]) else {
  FileHandle.standardError.write(Data("usage: yoi-stub-provider anthropic|openai_chat|openai_responses|gemini BASE_URL_FILE\n".utf8))
  exit(64)
}
let provider = try StubProvider(
  scheme: scheme,
  turns: [
    .reply(text: "Let me look at the workspace first.", toolCalls: [(name: "list_dir", arguments: #"{"path": "."}"#)]),
    .reply(
      text: "",
      toolCalls: [(name: "write_file", arguments: ##"{"path": "hello.md", "content": "# Hello from a yoi Pod\n\nWritten by the demo's scripted model.\n"}"##)]),
    .reply(text: "", toolCalls: [(name: "write_file", arguments: #"{"path": "/etc/yoi-demo", "content": "outside the workspace"}"#)]),
    .reply(text: "Done: I created hello.md in the workspace. My attempt to write /etc/yoi-demo was refused, as the Pod's scope says it must be."),
  ])
try provider.baseURL.write(toFile: arguments[2], atomically: true, encoding: .utf8)
while provider.requests.count < 4 { usleep(20_000) }
usleep(500_000)
