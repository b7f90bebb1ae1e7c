import ArgumentParser
import PDFOutput

/// `issue build` read without ArgumentParser when its command line is a plain one.
///
/// ArgumentParser reads a command line by reflecting on every command's properties and, before
/// that, by trying it as two hidden completion-script commands: about 15 million instructions,
/// 2.5 ms of a 60 ms build of a small issue, spent before anything else can start. An editor
/// runs `issue build` dozens of times a night with the same few options, so a plain build
/// command line — known options each given once, values that do not start with `-`, at most
/// one folder — is read here in microseconds. Anything else (help, a mistake, an option given
/// twice, `--`, `-o=…`, a value ArgumentParser would refuse) returns nil and goes to
/// ArgumentParser as before, which reads it, or explains what is wrong, as it always has.
/// `BuildCommandLineTests` checks that every line read here is read the same by ArgumentParser.
extension BuildCommand {
    /// The options that take a value, by every name ArgumentParser knows them by.
    private enum Valued {
        case output, layout, png, resolution, report, impose, sheet

        init?(name: String) {
            switch name {
            case "-o", "--output": self = .output
            case "--layout": self = .layout
            case "--png": self = .png
            case "--resolution": self = .resolution
            case "--report": self = .report
            case "--impose": self = .impose
            case "--sheet": self = .sheet
            default: return nil
            }
        }
    }

    /// The build command `arguments` (the command line after the executable, starting with
    /// `build`) make, when they are a plain build command line that passes `validate()`; nil
    /// for anything else, which ArgumentParser is to read.
    static func plain(_ arguments: [String]) -> BuildCommand? {
        guard arguments.first == "build" else { return nil }
        var issue: String?
        var values: [Valued: String] = [:]
        var press = false, grayscale = false, timings = false
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            switch argument {
            case "--press":
                guard !press else { return nil }
                press = true
            case "--grayscale":
                guard !grayscale else { return nil }
                grayscale = true
            case "--timings":
                guard !timings else { return nil }
                timings = true
            default:
                if argument.hasPrefix("-") {
                    // `--name=value` and `-o=…` are left to ArgumentParser, as is every name
                    // not listed and a value missing or looking like an option.
                    guard let option = Valued(name: argument), values[option] == nil, index < arguments.count,
                          !arguments[index].hasPrefix("-"), !arguments[index].isEmpty else { return nil }
                    values[option] = arguments[index]
                    index += 1
                } else {
                    // One folder; `help` is ArgumentParser's word wherever it stands.
                    guard issue == nil, argument != "help", !argument.isEmpty else { return nil }
                    issue = argument
                }
            }
        }
        var command = BuildCommand()
        command.issue = issue
        command.output = values[.output]
        command.layout = values[.layout]
        command.pngFolder = values[.png]
        if let text = values[.resolution] {
            guard let resolution = Double(argument: text) else { return nil }
            command.resolution = resolution
        } else {
            command.resolution = defaultResolution
        }
        command.report = values[.report]
        command.press = press
        if let text = values[.impose] {
            guard let kind = Imposition.Kind(argument: text) else { return nil }
            command.impose = kind
        } else {
            command.impose = nil
        }
        command.sheet = values[.sheet] ?? defaultSheet
        command.grayscale = grayscale
        command.timings = timings
        guard (try? command.validate()) != nil else { return nil }
        return command
    }
}
