// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every parser of outside input (issue 14). Built only by scripts/fuzz.sh, with
// `-sanitize=fuzzer,address` into .build-fuzz (never by the main package's build). SwiftPM aliases `main` to
// `MODULE_main`, so each target defines that and hands its input function to `LLVMFuzzerRunDriver`.
let package = Package(
    name: "wiresmith-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "wiresmith", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "FuzzConfig",
            dependencies: ["CFuzzDriver", .product(name: "WireConfig", package: "wiresmith")]),
        .executableTarget(
            name: "FuzzHostFacts",
            dependencies: [
                "CFuzzDriver",
                .product(name: "WireAnalysis", package: "wiresmith"),
                .product(name: "WireConfig", package: "wiresmith"),
            ]),
        .executableTarget(
            name: "FuzzIntent",
            dependencies: [
                "CFuzzDriver",
                .product(name: "WireAnalysis", package: "wiresmith"),
                .product(name: "WireConfig", package: "wiresmith"),
            ]),
        .executableTarget(
            name: "FuzzUAPI",
            dependencies: [
                "CFuzzDriver",
                .product(name: "WireDaemon", package: "wiresmith"),
                .product(name: "WireProtocol", package: "wiresmith"),
                .product(name: "WireNet", package: "wiresmith"),
            ]),
        .executableTarget(
            name: "FuzzWire", dependencies: ["CFuzzDriver", .product(name: "WireProtocol", package: "wiresmith")]),
    ]
)
