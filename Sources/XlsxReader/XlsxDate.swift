import Foundation

/// A calendar date with an optional time of day, as read from a cell (no time zone: Excel has none).
public struct XlsxDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The year, 1900–9999 for serials, 1000–9999 for text.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month.
    public let day: Int
    /// Seconds since midnight, 0–86399 (0 for dates read from text).
    public let secondsOfDay: Int

    /// Creates a date; nil unless it names a real day (Gregorian calendar) and `secondsOfDay` is in 0..<86400.
    public init?(year: Int, month: Int, day: Int, secondsOfDay: Int = 0) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day),
              (0..<86_400).contains(secondsOfDay) else { return nil }
        self.year = year
        self.month = month
        self.day = day
        self.secondsOfDay = secondsOfDay
    }

    /// The date for a serial in Excel's 1900 date system (1 = 1900-01-01; 60 is Excel's non-existent
    /// 1900-02-29, which gives nil), the time rounded to the second. Nil below 1 (a time without a date)
    /// and after 9999-12-31.
    public init?(serial: Double) {
        guard serial.isFinite, serial >= 1, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        guard days != 60, days <= 2_958_465 else { return nil }
        let unixDay = days < 60 ? days - 25_568 : days - 25_569
        let (y, m, d) = Self.civil(fromUnixDay: unixDay)
        self.init(year: y, month: m, day: d, secondsOfDay: seconds)
    }

    /// Reads `YYYY-M-D`, `YYYY/M/D` or `YYYY年M月D日` (month and day with one or two digits, surrounding
    /// spaces ignored, full-width digits accepted); nil for anything else or a day that does not exist.
    public init?(text: String) {
        var chars: [Character] = []
        for scalar in text.unicodeScalars {
            if (0xFF10...0xFF19).contains(scalar.value) {
                chars.append(Character(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!))
            } else if scalar.value == 0xFF0F {
                chars.append("/")
            } else if scalar.value == 0xFF0D {
                chars.append("-")
            } else {
                chars.append(Character(scalar))
            }
        }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\u{A0}" }
        while let first = chars.first, isSpace(first) { chars.removeFirst() }
        while let last = chars.last, isSpace(last) { chars.removeLast() }
        var index = 0
        func number(min: Int, max: Int) -> Int? {
            var value = 0
            var count = 0
            while index < chars.count, let digit = chars[index].asciiDigit {
                value = value * 10 + digit
                count += 1
                index += 1
                if count > max { return nil }
            }
            return count >= min ? value : nil
        }
        func expect(_ c: Character) -> Bool {
            guard index < chars.count, chars[index] == c else { return false }
            index += 1
            return true
        }
        guard let year = number(min: 4, max: 4), year >= 1000, index < chars.count else { return nil }
        let separator = chars[index]
        let second: Character
        let end: Character?
        switch separator {
        case "-": second = "-"; end = nil
        case "/": second = "/"; end = nil
        case "年": second = "月"; end = "日"
        default: return nil
        }
        index += 1
        guard let month = number(min: 1, max: 2), expect(second), let day = number(min: 1, max: 2) else { return nil }
        if let end, !expect(end) { return nil }
        guard index == chars.count else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The serial in Excel's 1900 date system (fractional part for the time); nil before 1900-01-01.
    public var serial: Double? {
        let unixDay = Self.unixDay(year: year, month: month, day: day)
        var days = unixDay + 25_569
        if days < 61 { days -= 1 }  // before Excel's fictitious 1900-02-29
        guard days >= 1 else { return nil }
        return Double(days) + Double(secondsOfDay) / 86_400
    }

    /// The hour, 0–23.
    public var hour: Int { secondsOfDay / 3600 }
    /// The minute, 0–59.
    public var minute: Int { secondsOfDay / 60 % 60 }
    /// The second, 0–59.
    public var second: Int { secondsOfDay % 60 }

    /// "2024-03-05".
    public var isoDate: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// "2024-03-05", or "2024-03-05T14:30:00" when there is a time of day.
    public var description: String {
        guard secondsOfDay != 0 else { return isoDate }
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(isoDate)T\(pad(hour)):\(pad(minute)):\(pad(second))"
    }

    public static func < (lhs: XlsxDate, rhs: XlsxDate) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.secondsOfDay) < (rhs.year, rhs.month, rhs.day, rhs.secondsOfDay)
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    static func unixDay(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day counted from 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(fromUnixDay z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

private extension Character {
    var asciiDigit: Int? {
        guard let ascii = asciiValue, (48...57).contains(ascii) else { return nil }
        return Int(ascii - 48)
    }
}
