/// A square grid of modules (true is dark) with a second grid marking the function modules, which hold patterns and
/// format/version information rather than data and are never masked.
///
/// ISO/IEC 18004:2015, 5.3 (symbol structure). Coordinates are (x, y): x the column from the left, y the row from
/// the top, as the standard's figures draw them.
struct QRMatrix: Sendable, Equatable {
    let size: Int
    private(set) var dark: [Bool]
    private(set) var isFunction: [Bool]

    init(size: Int) {
        self.size = size
        dark = [Bool](repeating: false, count: size * size)
        isFunction = [Bool](repeating: false, count: size * size)
    }

    subscript(x: Int, y: Int) -> Bool {
        get { dark[y * size + x] }
        set { dark[y * size + x] = newValue }
    }

    func function(_ x: Int, _ y: Int) -> Bool { isFunction[y * size + x] }

    /// Sets a function module: it is left alone by data placement and masking.
    mutating func setFunction(_ x: Int, _ y: Int, _ value: Bool) {
        dark[y * size + x] = value
        isFunction[y * size + x] = true
    }
}
