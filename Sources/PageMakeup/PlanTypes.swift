import IssueModel
import Typesetting

/// A story's text still to be placed: the whole story, or what a jump left of it.
struct Piece: Hashable {
    var id: Int
    var story: Int
    var start: FlowPosition
    /// The piece this one continues, when the story jumped.
    var from: Int?
    var jumps: Int
    /// The page whose jump made this piece.
    var madeOn = 0
    var isContinuation: Bool { from != nil }
}

/// House matter set in a box: the front page's "Inside" box, an index of the issue, the
/// publication's contact box, a notice from `house:` in publication.yaml.
enum HouseBox: Hashable, Comparable {
    case inside, index, contact, notice(Int)

    /// The box's place in `PagePlanner.houseBoxes`: 0 for Inside, 3 for the first notice.
    var ordinal: Int {
        switch self {
        case .inside: 0
        case .index: 1
        case .contact: 2
        case .notice(let n): 3 + n
        }
    }
}

/// House boxes a partial edition has used: a bit per box, looked at for every box of every
/// column group the search tries (notices past the sixty-first, which few papers have, in a
/// set beside).
struct BoxSet: Hashable {
    private var bits: UInt64 = 0
    private var more: Set<Int> = []

    func contains(_ box: HouseBox) -> Bool {
        let n = box.ordinal
        return n < 64 ? bits & (1 << UInt64(n)) != 0 : more.contains(n)
    }

    mutating func insert(_ box: HouseBox) {
        let n = box.ordinal
        if n < 64 { bits |= 1 << UInt64(n) } else { more.insert(n) }
    }

    var count: Int { bits.nonzeroBitCount + more.count }
}

/// House boxes' depths in lines by width, in a table by box and width: looked up for every
/// box of every column group the search tries.
struct BoxDepths {
    /// Widths per box in the table (it grows to the widest asked for).
    private var widths = 0
    /// By `ordinal * widths + width - 1`; -1 where not measured.
    private var table: [Int] = []

    subscript(box: HouseBox, width: Int) -> Int? {
        get { self[ordinal: box.ordinal, width: width] }
        set { self[ordinal: box.ordinal, width: width] = newValue }
    }

    private subscript(ordinal ordinal: Int, width width: Int) -> Int? {
        get {
            guard width >= 1, width <= widths else { return nil }
            let i = ordinal * widths + width - 1
            return i < table.count && table[i] >= 0 ? table[i] : nil
        }
        set {
            guard width >= 1 else { return }
            if width > widths {
                // Wider than any before: the table laid out again.
                var wider = [Int](repeating: -1, count: (table.count / max(1, widths)) * width)
                for (i, d) in table.enumerated() where d >= 0 { wider[i / widths * width + i % widths] = d }
                table = wider
                widths = width
            }
            let i = ordinal * widths + width - 1
            if i >= table.count { table += Array(repeating: -1, count: (ordinal + 1) * widths - table.count) }
            table[i] = newValue ?? -1
        }
    }

    /// Takes in the depths `other` has that this has not.
    mutating func merge(_ other: BoxDepths) {
        for (i, d) in other.table.enumerated() where d >= 0 {
            let (ordinal, width) = (i / other.widths, i % other.widths + 1)
            if self[ordinal: ordinal, width: width] == nil { self[ordinal: ordinal, width: width] = d }
        }
    }
}

/// A rectangle of the page grid and what stands in it. Columns and lines count from the text
/// area's top-left corner.
struct PlannedModule {
    var column: Int, width: Int, top: Int, depth: Int
    /// A story's piece and how its body is set, or a house box.
    var piece: Piece?
    var fit: BodyFit?
    var box: HouseBox?
    /// Head (headline block, or jump head with its "Continued from" line) and picture, in lines.
    var headLines = 0
    var pictureLines = 0
    var pictureColumns = 0
    /// Lines of space added under the head, and in each leg between blocks (vertical justification).
    var headPad = 0
    var legExtra: [Int] = []
    /// Lines of legs left empty.
    var holes = 0

    var jumpsOut: Bool { fit?.end != nil }
}

struct PlannedGroup {
    var column: Int, width: Int, top: Int, depth: Int
}

struct PlannedPage {
    var number: Int
    var lines: Int
    var modules: [PlannedModule] = []
    var groups: [PlannedGroup] = []
    var terms = CostTerms()
    var cost: Double { terms.total }
    /// One line for debugging: page, holes, cost, and each module as story/width×depth.
    var summary: String {
        var parts: [String] = []
        for m in modules {
            if let p = m.piece { parts.append("\(p.story)\(p.isContinuation ? "c" : "")/\(m.width)x\(m.depth)") } else { parts.append("box") }
        }
        return "\(number):h\(holes) c\(Int(cost)) " + parts.joined(separator: ",")
    }

    /// Lines of legs left empty, in modules and in groups with nothing in them.
    var holes: Int { Int(((terms[.holes] ?? 0) / PlanCost.hole).rounded()) }
}

/// A page's cost term by term: fixed slots, summed in a fixed order. (Kept in a dictionary, the
/// terms were summed in its order, which changes from run to run, and so did the last digit of
/// a cost: a tie between two plans went either way and the same issue made different pages.)
struct CostTerms {
    enum Term: Int, CaseIterable {
        case page, houseOnly, nothingPlaced, holes, stretch, band, box, jumps, jumpsDeferred, width, frontStories,
             tombstones, pageHint, priority

        /// The name the fit report gives the term.
        var name: String {
            switch self {
            case .page: "page"
            case .houseOnly: "house only"
            case .nothingPlaced: "nothing placed"
            case .holes: "holes"
            case .stretch: "stretch"
            case .band: "band"
            case .box: "box"
            case .jumps: "jumps"
            case .jumpsDeferred: "jumps deferred"
            case .width: "width"
            case .frontStories: "front stories"
            case .tombstones: "tombstones"
            case .pageHint: "page hint"
            case .priority: "priority"
            }
        }
    }

    private var values = SIMD16<Double>()
    private var present: UInt16 = 0

    /// A term's value; nil when the page has no such term.
    subscript(term: Term) -> Double? {
        get { present & (1 << term.rawValue) != 0 ? values[term.rawValue] : nil }
        set {
            values[term.rawValue] = newValue ?? 0
            if newValue == nil { present &= ~(1 << term.rawValue) } else { present |= 1 << term.rawValue }
        }
    }

    mutating func add(_ term: Term, _ value: Double) {
        values[term.rawValue] += value
        present |= 1 << term.rawValue
    }

    mutating func add(_ other: CostTerms) {
        values += other.values
        present |= other.present
    }

    var total: Double {
        var sum = 0.0
        for i in 0..<Term.allCases.count { sum += values[i] }
        return sum
    }

    /// The terms the page has, by name, for the fit report.
    var byName: [String: Double] {
        var out: [String: Double] = [:]
        for term in Term.allCases where present & (1 << term.rawValue) != 0 { out[term.name] = values[term.rawValue] }
        return out
    }
}

/// The head of a module: kicker, headline, deck and byline (or a jump head), and the picture.
struct ModuleHead {
    var items: [DisplayItem]
    var lines: Int
    var picture: [DisplayItem]
    var pictureLines: Int
    var pictureColumns: Int
}

/// What the search keeps of a story.
struct StoryInfo {
    var article: Article
    var blocks: [FlowBlock]
    /// The story's place in running order (0 leads).
    var rank: Int
    /// Widths allowed (a `columns:` hint, or what a table in it needs) and those preferred.
    var allowed: ClosedRange<Int>
    var preferred: ClosedRange<Int>
    var overset: Int
}

/// The weights of the page search's cost, per term. A plan's cost is the sum over pages; the
/// fit report lists each page's terms.
enum PlanCost {
    /// Per line of a leg left empty: the worst thing a page can show.
    static let hole = 60.0
    /// Per story cut and continued on a later page, more for a second jump, and a little per
    /// line sent away (about 70 % of readers do not follow a jump).
    static let jump = 60.0
    static let secondJump = 80.0
    static let jumpedLine = 0.05
    /// Vertical justification: added lines squared over the block boundaries that take them.
    static let stretch = 1.5
    /// A house box used to fill room, and per line it is stretched beyond its text.
    static let box = 12.0
    /// A box where the plan is to fill pages with stories (still better than three hole lines).
    static let spareBox = 150.0
    /// Every page, and more for a page with no story on it (house matter only).
    static let page = 100.0
    static let houseOnlyPage = 1000.0
    static let boxLine = 0.3
    /// A story set at a width editors avoid (a long story in one column, a body across the page).
    static let width = 35.0
    /// Front-page stories outside 3 to 5.
    static let frontTooFew = 400.0
    static let frontTooMany = 150.0
    /// Two story heads side by side at the same height ("tombstones").
    static let tombstone = 8.0
    /// A lower-priority story given more room than a higher one on the same page.
    static let priority = 3.0
    /// A full-width band on an inside page (the "layer cake" look).
    static let band = 5.0
    /// A story placed on another page than its `page:` hint asks.
    static let pageHint = 200.0
    /// A story placed before one that comes ahead of it in running order.
    static let skip = 25.0
    /// A continuation not placed on the page after its jump (it must go on further).
    static let deferredJump = 80.0
}
