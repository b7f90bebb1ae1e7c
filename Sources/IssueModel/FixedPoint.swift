/// Numbers written as C's `printf` writes them with `%W.Nf` and `%0Wd`, without Foundation's
/// `String(format:)`: that boxes each argument as a `CVarArg` and goes through Foundation's
/// formatter, and its first call in a process (the fit report's lines, the PDF's keywords and
/// date) cost about 3.6 M instructions, on the thread the build waits for.
extension Double {
    /// Written with `decimals` digits after the point (0 to 9), rounded as `printf` rounds: to
    /// the nearest, the value taken exactly as the binary number it is, halfway ties to even.
    /// Right-aligned in `width` characters. Not finite: "nan", "inf" or "-inf"; from 10¹⁹ on,
    /// Swift's description (no build writes such a figure).
    public func fixed(_ decimals: Int, width: Int = 0) -> String {
        let decimals = Swift.min(Swift.max(decimals, 0), 9)
        guard isFinite, magnitude < 1e19 else { return (isNaN ? "nan" : isInfinite ? (self < 0 ? "-inf" : "inf") : "\(self)").rightAligned(width) }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        // The whole part and the fraction are exact; the fraction scaled is below 10⁹, its
        // product rounded exactly but for what fma gives back, which settles a tie.
        var whole = UInt64(magnitude.rounded(.towardZero))
        let fraction = magnitude - magnitude.rounded(.towardZero)
        let product = fraction * Double(scale)
        let error = (-product).addingProduct(fraction, Double(scale))
        var rounded = product.rounded(.toNearestOrEven)
        let off = product - rounded
        if off == 0.5 && error > 0 { rounded += 1 }
        if off == -0.5 && error < 0 { rounded -= 1 }
        var part = UInt64(rounded)
        if part == scale {
            whole += 1
            part = 0
        }
        // With no decimals a tie goes to the even whole number (the fraction's 0.5 went to 0).
        if decimals == 0 && fraction == 0.5 && whole % 2 == 1 { whole += 1 }
        var text = sign == .minus ? "-" : ""
        text += String(whole)
        if decimals > 0 {
            let digits = String(part)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return text.rightAligned(width)
    }
}

extension BinaryInteger {
    /// In decimal, right-aligned in `width` characters (`%Wd`), or with zeros before it (`%0Wd`).
    public func padded(_ width: Int, zeros: Bool = false) -> String {
        let digits = String(self.magnitude)
        let sign = self < 0 ? "-" : ""
        if zeros {
            return sign + String(repeating: "0", count: Swift.max(0, width - sign.count - digits.count)) + digits
        }
        return (sign + digits).rightAligned(width)
    }
}

extension String {
    /// Spaces before it up to `width` characters.
    func rightAligned(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
