// swift-tools-version:6.0
// The publishing pipeline of DESIGN.md: one target per module of its table, each C library behind
// its own system-library target. Swift packages only from the machine's list (see README).
import PackageDescription

let package = Package(
    name: "issue",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "issue", targets: ["issue"]),
        .library(name: "IssueModel", targets: ["IssueModel"]),
        .library(name: "IssueAssembly", targets: ["IssueAssembly"]),
        .library(name: "Typesetting", targets: ["Typesetting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // System libraries: a module map and a shim header each, nothing else.
        .systemLibrary(name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // Cairo's headers only: CairoOnDemand defines the functions called and opens libcairo
        // the first time one is (its thirteen libraries cost every process's start 2.3 ms).
        .systemLibrary(name: "CCairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CHarfBuzz", pkgConfig: "harfbuzz", providers: [.apt(["libharfbuzz-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        // libhyphen ships no .pc file: its module map links it by name.
        .systemLibrary(name: "CHyphen", providers: [.apt(["libhyphen-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CQPDF", providers: [.apt(["libqpdf-dev"])]),
        // zlib checks a PNG's compressed rows before the PDF carries them as they are.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // The send: libcurl speaks SMTP (STARTTLS, AUTH, connection reuse); SQLite keeps the journal.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // mimalloc, linked into the executables, takes over malloc and free for the whole
        // process: the Swift runtime allocates and frees hundreds of thousands of small objects
        // in a build, and its fast paths cost a fraction of glibc's (libmimalloc ships no .pc
        // file: its module map links it by name).
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        // Linked into each executable, sets mimalloc's options before the first allocation.
        .target(name: "MimallocSetup", dependencies: ["CMimalloc"]),

        .target(name: "IssueModel"),
        .target(name: "IssueAssembly", dependencies: [
            "IssueModel", "CCmarkGFM", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Typesetting", dependencies: ["IssueModel", "CHarfBuzz", "CFreeType", "CHyphen"]),
        .target(name: "PageMakeup", dependencies: ["IssueModel", "Typesetting"]),
        // PDFOutput writes display lists as PDF itself (zlib for its streams); it names
        // Typesetting for the glyph-run and face types those lists hold and for FontProgram
        // (metrics and subsetting, by HarfBuzz), and never calls HarfBuzz or FreeType itself.
        // Cairo draws PNG previews and imposed sheets; TurboJPEG decodes JPEGs that must be
        // decoded; qpdf sets the print boxes and PNG rows on imposed sheets, which Cairo cannot.
        .target(name: "CairoOnDemand", dependencies: ["CCairo", "CFreeType"]),
        .target(name: "PDFOutput", dependencies: ["PageMakeup", "Typesetting", "IssueModel", "CCairo", "CairoOnDemand", "CTurboJPEG", "CQPDF",
                                                  "CZlib", "CDeflate"]),
        .target(name: "EmailRendering", dependencies: ["IssueModel", .product(name: "Mustache", package: "swift-mustache")]),
        .target(name: "MIME"),
        .target(name: "Delivery", dependencies: ["MIME", "EmailRendering", "IssueModel", "CCurl", "CSQLite",
                                                 .product(name: "Crypto", package: "swift-crypto"),
                                                 // RSA signing for DKIM (rsa-sha256).
                                                 .product(name: "_CryptoExtras", package: "swift-crypto")]),
        .executableTarget(name: "issue", dependencies: [
            "IssueModel", "IssueAssembly", "Typesetting", "PageMakeup", "PDFOutput", "EmailRendering", "MIME", "Delivery",
            .product(name: "ArgumentParser", package: "swift-argument-parser"), "CMimalloc", "MimallocSetup",
        ]),

        // Benchmarks: executables, not tests (see README, "Benchmarks").
        .executableTarget(name: "typesetting-benchmark", dependencies: ["Typesetting", "IssueAssembly", "IssueModel", "CMimalloc", "MimallocSetup"],
                          path: "Benchmarks/TypesettingBenchmark"),
        .executableTarget(name: "email-benchmark", dependencies: ["Delivery", "EmailRendering", "IssueAssembly", "IssueModel", "MIME", "CMimalloc", "MimallocSetup",
                                                                 .product(name: "Crypto", package: "swift-crypto"),
                                                                 .product(name: "_CryptoExtras", package: "swift-crypto")],
                          path: "Benchmarks/EmailBenchmark"),

        .testTarget(name: "IssueModelTests", dependencies: ["IssueModel"]),
        .testTarget(name: "IssueAssemblyTests", dependencies: ["IssueAssembly", "IssueModel"]),
        .testTarget(name: "TypesettingTests", dependencies: ["Typesetting", "IssueModel", "IssueAssembly"]),
        .testTarget(name: "PDFOutputTests", dependencies: ["PDFOutput", "PageMakeup", "Typesetting", "IssueAssembly", "IssueModel", "TestSupport"]),
        // Helpers the tests share (running poppler, qpdf and Python's strict MIME parser).
        .target(name: "TestSupport", dependencies: ["IssueModel"], path: "Tests/TestSupport"),
        .testTarget(name: "MIMETests", dependencies: ["MIME", "TestSupport"]),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "EmailRendering", "MIME", "IssueAssembly", "IssueModel", "TestSupport",
                                                          .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "issueTests", dependencies: ["issue", "TestSupport"]),
    ]
)
