import CXlsxWriter

/// A cell format described as a value; `Workbook.format(_:)` turns each distinct spec into one C format.
public struct FormatSpec: Hashable, Sendable {
    /// Horizontal alignment of a cell's content.
    public enum HorizontalAlignment: Hashable, Sendable {
        /// Aligned to the left edge.
        case left
        /// Centered in the cell.
        case center
        /// Aligned to the right edge.
        case right
        /// Repeated to fill the cell.
        case fill
        /// Justified between both edges.
        case justify
        /// Centered across the selection of empty cells to the right.
        case centerAcross
        /// Distributed evenly across the width.
        case distributed
    }

    /// Vertical alignment of a cell's content.
    public enum VerticalAlignment: Hashable, Sendable {
        /// Aligned to the top edge.
        case top
        /// Centered vertically.
        case center
        /// Aligned to the bottom edge (Excel's default).
        case bottom
        /// Justified between top and bottom.
        case justify
        /// Distributed evenly across the height.
        case distributed
    }

    /// A cell border line style.
    public enum Border: Hashable, Sendable {
        /// A thin solid line.
        case thin
        /// A medium solid line.
        case medium
        /// A thick solid line.
        case thick
        /// A dashed line.
        case dashed
        /// A dotted line.
        case dotted
        /// A double line.
        case double
        /// A hairline.
        case hair
    }

    /// Bold font.
    public var bold: Bool
    /// Italic font.
    public var italic: Bool
    /// Font name, e.g. "等线" or "Calibri"; nil keeps the default (at most 31 characters).
    public var fontName: String?
    /// Font size in points (1…409); nil keeps the default 11.
    public var fontSize: Double?
    /// Font color as 0xRRGGBB; nil keeps the automatic color.
    public var fontColor: UInt32?
    /// Solid background fill color as 0xRRGGBB; nil for no fill.
    public var backgroundColor: UInt32?
    /// Border on all four sides; nil for none.
    public var border: Border?
    /// Horizontal alignment; nil keeps Excel's default (general).
    public var horizontalAlignment: HorizontalAlignment?
    /// Vertical alignment; nil keeps Excel's default (bottom).
    public var verticalAlignment: VerticalAlignment?
    /// Wrap text inside the cell.
    public var wrap: Bool
    /// Number format string such as `0.0%`, `#,##0.00` or `yyyy-mm-dd`; nil for General.
    public var numberFormat: String?
    /// Whether the cell is locked when the sheet is protected (Excel's default is locked).
    public var locked: Bool
    /// Whether a formula is hidden when the sheet is protected.
    public var hidden: Bool

    /// Creates a spec; every property defaults to Excel's default look.
    public init(bold: Bool = false, italic: Bool = false, fontName: String? = nil, fontSize: Double? = nil,
                fontColor: UInt32? = nil, backgroundColor: UInt32? = nil, border: Border? = nil,
                horizontalAlignment: HorizontalAlignment? = nil, verticalAlignment: VerticalAlignment? = nil,
                wrap: Bool = false, numberFormat: String? = nil, locked: Bool = true, hidden: Bool = false) {
        self.bold = bold
        self.italic = italic
        self.fontName = fontName
        self.fontSize = fontSize
        self.fontColor = fontColor
        self.backgroundColor = backgroundColor
        self.border = border
        self.horizontalAlignment = horizontalAlignment
        self.verticalAlignment = verticalAlignment
        self.wrap = wrap
        self.numberFormat = numberFormat
        self.locked = locked
        self.hidden = hidden
    }

    /// Throws `.invalidArgument` when a field breaks a limit: font size outside 1…409, a color
    /// above 0xFFFFFF, a font name over 31 characters, or a number format that is empty, has
    /// control characters or exceeds 127 UTF-8 bytes (libxlsxwriter 1.1.4 silently truncates
    /// longer ones, possibly mid-character).
    func validate() throws {
        func bad(_ what: String, _ reason: String) -> XlsxError {
            .invalidArgument(sheet: nil, what: what, reason: reason)
        }
        if let size = fontSize, !(size >= 1 && size <= 409) {
            throw bad("font size", "\(size) is outside Excel's range 1…409")
        }
        for (what, color) in [("font color", fontColor), ("background color", backgroundColor)] {
            if let color, color > 0xFFFFFF { throw bad(what, "0x\(String(color, radix: 16)) is not an 0xRRGGBB color") }
        }
        if let name = fontName {
            if name.isEmpty || name.utf16.count > 31 { throw bad("font name", "'\(name)' must have 1…31 characters") }
            if name.utf8.count > 127 { throw bad("font name", "'\(name)' exceeds libxlsxwriter's 127 bytes") }
            if name.unicodeScalars.contains(where: { $0.value < 0x20 }) { throw bad("font name", "contains control characters") }
        }
        if let format = numberFormat {
            if format.isEmpty { throw bad("number format", "is empty") }
            if format.unicodeScalars.contains(where: CellText.isForbiddenInXML) {
                throw bad("number format", "contains control characters")
            }
            if format.utf8.count > 127 {
                throw bad("number format", "'\(format)' is \(format.utf8.count) UTF-8 bytes; libxlsxwriter 1.1.4 keeps at most 127")
            }
        }
    }

    /// Applies the spec to a fresh C format.
    func apply(to f: UnsafeMutablePointer<lxw_format>) {
        if bold { format_set_bold(f) }
        if italic { format_set_italic(f) }
        if let fontName { format_set_font_name(f, fontName) }
        if let fontSize { format_set_font_size(f, fontSize) }
        // 0x000000 means "unset" to libxlsxwriter; black must be passed as LXW_COLOR_BLACK.
        func color(_ c: UInt32) -> lxw_color_t { c == 0 ? lxw_color_t(LXW_COLOR_BLACK.rawValue) : lxw_color_t(c) }
        if let fontColor { format_set_font_color(f, color(fontColor)) }
        if let backgroundColor {
            format_set_pattern(f, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(f, color(backgroundColor))
        }
        if let border { format_set_border(f, Self.cBorder(border)) }
        if let h = horizontalAlignment { format_set_align(f, Self.cAlign(h)) }
        if let v = verticalAlignment { format_set_align(f, Self.cAlign(v)) }
        if wrap { format_set_text_wrap(f) }
        if let numberFormat { format_set_num_format(f, numberFormat) }
        if !locked { format_set_unlocked(f) }
        if hidden { format_set_hidden(f) }
    }

    static func cBorder(_ b: Border) -> UInt8 {
        let v: lxw_format_borders
        switch b {
        case .thin: v = LXW_BORDER_THIN
        case .medium: v = LXW_BORDER_MEDIUM
        case .thick: v = LXW_BORDER_THICK
        case .dashed: v = LXW_BORDER_DASHED
        case .dotted: v = LXW_BORDER_DOTTED
        case .double: v = LXW_BORDER_DOUBLE
        case .hair: v = LXW_BORDER_HAIR
        }
        return UInt8(v.rawValue)
    }

    static func cAlign(_ a: HorizontalAlignment) -> UInt8 {
        let v: lxw_format_alignments
        switch a {
        case .left: v = LXW_ALIGN_LEFT
        case .center: v = LXW_ALIGN_CENTER
        case .right: v = LXW_ALIGN_RIGHT
        case .fill: v = LXW_ALIGN_FILL
        case .justify: v = LXW_ALIGN_JUSTIFY
        case .centerAcross: v = LXW_ALIGN_CENTER_ACROSS
        case .distributed: v = LXW_ALIGN_DISTRIBUTED
        }
        return UInt8(v.rawValue)
    }

    static func cAlign(_ a: VerticalAlignment) -> UInt8 {
        let v: lxw_format_alignments
        switch a {
        case .top: v = LXW_ALIGN_VERTICAL_TOP
        case .center: v = LXW_ALIGN_VERTICAL_CENTER
        case .bottom: v = LXW_ALIGN_VERTICAL_BOTTOM
        case .justify: v = LXW_ALIGN_VERTICAL_JUSTIFY
        case .distributed: v = LXW_ALIGN_VERTICAL_DISTRIBUTED
        }
        return UInt8(v.rawValue)
    }
}

/// A cell format owned by one workbook; obtain it from `Workbook.format(_:)`. Two formats are
/// equal when they are the same C format.
public final class Format: Hashable {
    /// The workbook that owns the C format; kept alive as long as the format is.
    let workbook: Workbook
    let pointer: UnsafeMutablePointer<lxw_format>
    /// The spec this format was made from.
    public let spec: FormatSpec

    init(workbook: Workbook, pointer: UnsafeMutablePointer<lxw_format>, spec: FormatSpec) {
        self.workbook = workbook
        self.pointer = pointer
        self.spec = spec
    }
}

extension Format {
    /// Whether both wrap the same C format.
    public static func == (lhs: Format, rhs: Format) -> Bool { lhs.pointer == rhs.pointer }

    /// Hashes the identity of the C format.
    public func hash(into hasher: inout Hasher) { hasher.combine(pointer) }
}
