// swift-tools-version:6.0
import PackageDescription

// Arrows point one way: executables -> Lab/Analysis -> Config/Protocol -> Crypto/Net; Lab (and Doctor) -> Process.
// WireNet is the leaf of network value types (addresses, prefixes, longest-prefix match, instants) and imports
// nothing. WireProcess is the one way to run a subprocess (lab, doctor, tests). WireProtocol is pure (no sockets,
// no clock reads, no global randomness); WireAnalysis never touches the host.
let package = Package(
    name: "wiresmith",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wiresmith", targets: ["wiresmith"]),
        .executable(name: "wiresmithd", targets: ["wiresmithd"]),
        .library(name: "WireNet", targets: ["WireNet"]),
        .library(name: "WireProcess", targets: ["WireProcess"]),
        .library(name: "WireConfig", targets: ["WireConfig"]),
        .library(name: "WireProtocol", targets: ["WireProtocol"]),
        .library(name: "WireAnalysis", targets: ["WireAnalysis"]),
        // For Fuzz/ (the UAPI text parser's libFuzzer target).
        .library(name: "WireDaemon", targets: ["WireDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "WireNet"),
        .target(name: "WireProcess"),
        .target(
            name: "WireCrypto",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "WireProtocol",
            dependencies: ["WireNet", "WireCrypto", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "WireConfig",
            dependencies: ["WireNet", "WireCrypto", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "WireAnalysis",
            dependencies: ["WireConfig", "Yams"]
        ),
        // QR codes (ISO/IEC 18004) and a minimal PNG writer, for `plan --qr` and `qr`: no dependencies.
        .target(name: "WireQR"),
        .target(
            name: "WirePlan",
            dependencies: ["WireConfig", "WireAnalysis", "Yams"]
        ),
        .target(
            name: "WireLab",
            dependencies: ["WireConfig", "WireAnalysis", "WireProcess"]
        ),
        .target(
            name: "WireDoctor",
            dependencies: ["WireConfig", "WireAnalysis", "WireProcess", "WireCrypto", "WireNet", "WireProtocol"]
        ),
        .executableTarget(
            name: "wiresmith",
            dependencies: [
                "WireConfig", "WireAnalysis", "WireLab", "WirePlan", "WireProcess", "WireDoctor", "WireQR",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "CWireDaemon"),
        .target(
            name: "WireDaemon",
            dependencies: ["CWireDaemon", "WireProtocol", "WireConfig"]
        ),
        .executableTarget(
            name: "wiresmithd",
            dependencies: ["WireDaemon"]
        ),
        .executableTarget(
            name: "wiresmith-bench",
            dependencies: ["WireCrypto", "WireProtocol", "WireConfig", "WireAnalysis", "WireLab", "WireProcess"],
            path: "Benchmarks/wiresmith-bench"
        ),
        .testTarget(
            name: "WireDaemonTests",
            dependencies: [
                "CWireDaemon", "WireDaemon", "WireProtocol", "WireConfig", "WireLab", "WireAnalysis", "WireTestSupport",
            ]),
        // Shared by the test targets: the built binaries and tools, and running them through WireProcess.
        .target(name: "WireTestSupport", dependencies: ["WireProcess"], path: "Tests/WireTestSupport"),
        .testTarget(name: "WireNetTests", dependencies: ["WireNet"]),
        .testTarget(name: "WireProcessTests", dependencies: ["WireProcess"]),
        .testTarget(name: "WireCryptoTests", dependencies: ["WireCrypto"]),
        .testTarget(name: "WireProtocolTests", dependencies: ["WireProtocol", "WireCrypto"]),
        .testTarget(
            name: "WireConfigTests", dependencies: ["WireConfig", "WireCrypto", "WireTestSupport"],
            exclude: ["Corpus"]),
        .testTarget(
            name: "WireAnalysisTests", dependencies: ["WireAnalysis", "WireConfig", "WireTestSupport"],
            exclude: ["Networks"]),
        .testTarget(
            name: "WireDoctorTests",
            dependencies: ["WireDoctor", "WireLab", "WireAnalysis", "WireConfig", "WireTestSupport"],
            exclude: ["Snapshots"]),
        .testTarget(
            name: "WireLabTests", dependencies: ["WireLab", "WireAnalysis", "WireConfig", "WireTestSupport"],
            exclude: ["Networks"]),
        .testTarget(name: "WireQRTests", dependencies: ["WireQR", "WireTestSupport"]),
        .testTarget(
            name: "WirePlanTests",
            dependencies: ["WirePlan", "WireAnalysis", "WireConfig", "WireLab", "WireTestSupport"]),
    ]
)
