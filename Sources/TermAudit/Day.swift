/// A calendar date (proleptic Gregorian), without time or time zone: the unit of every date in a case file.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or returns nil when the date does not exist (2023-02-30, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day).
    public init?(iso text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                let c = u[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Whether `year` is a leap year in the Gregorian calendar.
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month of a year.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (negative before it).
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `ordinal` days after 1970-01-01.
    public init(ordinal z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// This date moved by a number of days.
    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// This date moved by whole months; the day is clamped to the target month (31 January + 1 month = 28/29 February).
    public func adding(months: Int) -> Day {
        let total = year * 12 + (month - 1) + months
        let y = total / 12, m = total % 12 + 1
        return Day(year: y, month: m, day: min(day, Day.daysIn(month: m, year: y)))!
    }

    /// The last day of a term of `years` counted years starting on this day: 31 December of the last year for a
    /// term counted from 1 January; otherwise the day before the anniversary, where 29 February's anniversary in a
    /// common year is 1 March (the term runs through 28 February; docs/rules.md §1.2).
    public func termEnd(years: Int) -> Day {
        if month == 1 && day == 1 { return Day.decemberLast(year + years - 1) }
        let y = year + years
        let anniversary = Day(year: y, month: month, day: day) ?? Day(year: y, month: 3, day: 1)!
        return anniversary.adding(days: -1)
    }

    /// 1 January of a year.
    public static func januaryFirst(_ year: Int) -> Day { Day(year: year, month: 1, day: 1)! }

    /// 31 December of a year.
    public static func decemberLast(_ year: Int) -> Day { Day(year: year, month: 12, day: 31)! }

    /// Whole years from `self` to `other` (an anniversary counts on its day; 29 February counts on 28 February).
    public func wholeYears(until other: Day) -> Int {
        var years = other.year - year
        if (other.month, other.day) < (month, min(day, Day.daysIn(month: month, year: other.year))) { years -= 1 }
        return years
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = Day(iso: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(s)"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An inclusive range of dates, written `START..END` in case files.
public struct DayRange: Hashable, Sendable, CustomStringConvertible {
    public let start: Day
    public let end: Day

    /// A range; `start` must not be after `end`.
    public init?(start: Day, end: Day) {
        guard start <= end else { return nil }
        self.start = start
        self.end = end
    }

    /// Parses `YYYY-MM-DD..YYYY-MM-DD`.
    public init?(text: String) {
        guard let r = text.firstRange(of: "..") else { return nil }
        guard let a = Day(iso: String(text[..<r.lowerBound]).trimmed), let b = Day(iso: String(text[r.upperBound...]).trimmed) else { return nil }
        self.init(start: a, end: b)
    }

    /// Whether `day` lies inside the range.
    public func contains(_ day: Day) -> Bool { start <= day && day <= end }

    public var description: String { "\(start)..\(end)" }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
