import Foundation
import Testing
import YoiManifest
import YoiStubProvider

#if canImport(Glibc)
import Glibc
#endif

@Suite("The loopback servers tests run in-process")
struct LoopbackListenerTests {
  /// A provider stopped explicitly and then released closed its socket twice; by the second
  /// close the number belonged to something else in the test process (another test's pipe), and
  /// that test died reading it with EBADF. Every descriptor opened between the two must survive.
  @Test func stoppingThenReleasingClosesTheSocketOnce() throws {
    var provider: StubProvider? = try StubProvider(scheme: .openaiChat, turns: [])
    provider?.stop()
    // The socket is closed by its accepting thread once accept fails: give it the moment.
    usleep(50_000)
    var pipes: [Int32] = []
    for _ in 0..<32 {
      var ends: [Int32] = [-1, -1]
      #expect(pipe(&ends) == 0)
      pipes += ends
    }
    defer { for descriptor in pipes { close(descriptor) } }
    provider = nil
    let closedUnderUs = pipes.filter { fcntl($0, F_GETFD) == -1 }
    #expect(closedUnderUs.isEmpty, "descriptors closed by the released provider: \(closedUnderUs)")
  }

  /// A provider that is only released (no explicit stop) still stops serving.
  @Test func releasingStopsServing() throws {
    var provider: StubProvider? = try StubProvider(scheme: .openaiChat, turns: [])
    let port = provider!.port
    provider = nil
    usleep(50_000)
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    #expect(connected != 0)
  }
}
